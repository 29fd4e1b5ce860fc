"""The README's scrapyd recipe, for real: scrapyd on 127.0.0.1, the project deployed with
scrapyd-deploy, crawls of the demo site scheduled through scrapyd's JSON API.

scrapyd (1.6) knows no 'failed' job: every job that ended is listed under ``finished``. What it
does tell apart is the exit code: its own log says ``Process died: exitstatus=1`` instead of
``Process finished``. A job that could not run (an unreachable site, a locked archive) exits 1,
as ``newsbot crawl`` does, and the job's log file ends with the line saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from newsbot.archive import crawl_lock
from newsbot.demo import DemoServer, DemoSite

pytest.importorskip("scrapyd")
pytest.importorskip("scrapyd_client")

#: How long a job may take before the test gives up on it (a wait, not a timing assertion).
PATIENCE = 300.0

#: Jobs see newsbot only inside the deployed egg: the editable install of this checkout (a
#: finder on sys.meta_path) is taken away from scrapyd's processes, as on a server where
#: newsbot's dependencies are installed but not newsbot.
ONLY_THE_EGG = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Scrapyd:
    url: str
    folder: Path
    #: scrapyd's own log (its standard output and error).
    log: Path

    def get(self, endpoint: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{endpoint}{query}", timeout=30) as response:
            return json.load(response)

    def schedule(self, spider: str, *, settings: dict[str, str], **arguments: str) -> str:
        """Schedule a job as the README does (``curl .../schedule.json -d ...``); its id."""
        fields = [("project", "newsbot"), ("spider", spider), *arguments.items()]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        request = urllib.request.Request(
            f"{self.url}schedule.json", data=urllib.parse.urlencode(fields).encode()
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        assert answer["status"] == "ok", answer
        return str(answer["jobid"])

    def finished(self, job: str) -> dict[str, Any]:
        """Wait until ``job`` is listed as finished; its entry in listjobs.json."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            for entry in self.get("listjobs.json", project="newsbot")["finished"]:
                if entry["id"] == job:
                    return dict(entry)
            time.sleep(0.2)
        raise AssertionError(f"job {job} did not finish; scrapyd's log:\n{self.log.read_text()}")

    def job_log(self, entry: dict[str, Any]) -> list[str]:
        with urllib.request.urlopen(self.url + entry["log_url"].lstrip("/"), timeout=30) as page:
            return str(page.read().decode("utf-8")).splitlines()

    def ended(self, job: str) -> str:
        """How scrapyd's own log says the job's process ended."""
        for line in self.log.read_text(encoding="utf-8").splitlines():
            if f"job='{job}'" in line and ("Process died" in line or "Process finished" in line):
                return line.split("] ", 1)[1].split(" project=", 1)[0]
        raise AssertionError(f"scrapyd's log says nothing of the end of job {job}")


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    folder = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        "max_proc = 2\n",
        encoding="utf-8",
    )
    (folder / "only_the_egg").mkdir()
    (folder / "only_the_egg" / "sitecustomize.py").write_text(ONLY_THE_EGG, encoding="utf-8")
    path = os.pathsep.join(
        filter(None, (str(folder / "only_the_egg"), os.environ.get("PYTHONPATH")))
    )
    log = folder / "scrapyd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"},
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", folder, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert server.get("daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"scrapyd did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=60)


def git_status() -> set[str]:
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=normal"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(result.stdout.splitlines())


@pytest.fixture(scope="module")
def deployed(scrapyd: Scrapyd) -> Scrapyd:
    """The project deployed as the README says: `scrapyd-deploy TARGET` from the project
    folder, the target (a scrapyd of our own) in the user's scrapy.cfg."""
    config = scrapyd.folder / "config"
    config.mkdir()
    (config / "scrapy.cfg").write_text(
        f"[deploy:here]\nurl = {scrapyd.url}\nproject = newsbot\n", encoding="utf-8"
    )
    in_git = (REPO / ".git").exists()
    before = git_status() if in_git else set()
    built_before = (REPO / "build").exists()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("scrapyd-deploy")), "here"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},
    )  # fmt: skip
    if not built_before:
        # setuptools' build folder (ignored by git, as for any build): not this test's to keep.
        shutil.rmtree(REPO / "build", ignore_errors=True)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok", answer.get("message")
    if in_git:
        # Nothing left in the checkout: the build writes at its top (setup.py, build/,
        # *.egg-info/), where other changes (the tree is worked on meanwhile) are rare.
        new = {line for line in git_status() - before if "/" not in line[3:].rstrip("/")}
        assert new == set()
    return scrapyd


def test_the_deployed_egg_has_a_spider_for_every_bundled_profile(deployed: Scrapyd) -> None:
    spiders = deployed.get("listspiders.json", project="newsbot")["spiders"]
    assert spiders == ["bbc", "dw", "euronews", "generic"]


def test_a_scheduled_crawl_of_the_demo_site_archives_its_articles(
    deployed: Scrapyd, demo_server: DemoServer, demo_site: DemoSite, tmp_path: Path
) -> None:
    import sqlite3

    archive = tmp_path / "newsbot.db"
    job = deployed.schedule(
        "euronews",
        settings={"NEWSBOT_ARCHIVE": str(archive)},
        base_url=demo_server.base_url,
        editions="de",
    )
    entry = deployed.finished(job)
    assert deployed.ended(job) == "Process finished:"
    with sqlite3.connect(archive) as db:
        archived = {url for (url,) in db.execute("select canonical_url from articles")}
        ((settings,),) = db.execute("select settings from crawl_runs").fetchall()
    expected = {demo_server.base_url + a.path for a in demo_site.articles if a.edition == "de"}
    assert archived == expected
    # A mirror on this machine: no politeness delays under scrapyd either.
    assert json.loads(settings)["DOWNLOAD_DELAY"] == 0
    last = deployed.job_log(entry)[-1]
    assert "crawl finished in " in last and f"{len(expected)} new" in last


def test_a_job_against_an_unreachable_site_exits_1(deployed: Scrapyd, tmp_path: Path) -> None:
    job = deployed.schedule(
        "euronews",
        settings={"NEWSBOT_ARCHIVE": str(tmp_path / "a.db")},
        base_url=f"http://127.0.0.1:{free_port()}",
        editions="de",
    )
    entry = deployed.finished(job)
    assert deployed.ended(job) == "Process died: exitstatus=1"
    last = deployed.job_log(entry)[-1]
    assert "ERROR: crawl unreachable in " in last and "0 fetched" in last


def test_a_job_that_finds_the_archive_locked_exits_1(deployed: Scrapyd, tmp_path: Path) -> None:
    archive = tmp_path / "a.db"
    lock = crawl_lock(archive)  # as a crawl still running would
    try:
        job = deployed.schedule(
            "euronews", settings={"NEWSBOT_ARCHIVE": str(archive)}, editions="de"
        )
        entry = deployed.finished(job)
    finally:
        lock.release()
    assert deployed.ended(job) == "Process died: exitstatus=1"
    last = deployed.job_log(entry)[-1]
    assert f"ERROR: {archive} is being crawled by another process (pid {os.getpid()})" in last
