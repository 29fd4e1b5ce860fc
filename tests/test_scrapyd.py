"""The README's scrapyd recipe, for real: scrapyd on 127.0.0.1 configured with the
repository's ``scrapyd.conf``, the project deployed with scrapyd-deploy, crawls of the demo site
scheduled through scrapyd's JSON API.

scrapyd (1.6) on its own knows no 'failed' job: every job that ended is listed under
``finished``, and only its log tells them apart (``Process died: exitstatus=1`` instead of
``Process finished``). A job that could not run (an unreachable site, a locked archive) exits 1,
as ``newsbot crawl`` does, and the job's log file ends with the line saying why; with
``scrapyd.conf``'s components (newsbot.scrapyd) listjobs.json and the jobs page list it under
``failed`` with its exit code.
"""

from __future__ import annotations

import configparser
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
from sitegen import DemoServer, DemoSite

pytest.importorskip("scrapyd")
pytest.importorskip("scrapyd_client")

#: How long a job may take before the test gives up on it (a wait, not a timing assertion).
PATIENCE = 300.0

#: Jobs see newsbot only inside the deployed egg: the editable install of this checkout (a
#: finder on sys.meta_path) is taken away from the processes scrapyd starts for a project (they
#: have SCRAPY_PROJECT), as on a server where newsbot is not what jobs run. scrapyd itself loads
#: newsbot.scrapyd (scrapyd.conf) from this checkout.
ONLY_THE_EGG = """
import os
import sys
if "SCRAPY_PROJECT" in os.environ:
    sys.meta_path[:] = [
        f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
    ]
"""

#: A job listed under "finished" has the keys scrapyd gives it; one under "failed" has them too,
#: and its exit code.
FINISHED_KEYS = {"id", "project", "spider", "start_time", "end_time", "log_url", "items_url"}


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

    def listed(self, job: str) -> tuple[str, dict[str, Any]]:
        """Wait until ``job`` has ended; the list of listjobs.json it is in ("finished" or
        "failed") and its entry there."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            jobs = self.get("listjobs.json", project="newsbot")
            assert set(jobs) == {"node_name", "status", "pending", "running", "finished", "failed"}
            for state in ("finished", "failed"):
                for entry in jobs[state]:
                    if entry["id"] == job:
                        return state, dict(entry)
            time.sleep(0.2)
        raise AssertionError(f"job {job} did not end; scrapyd's log:\n{self.log.read_text()}")

    def jobs_page_section(self, job: str) -> str:
        """The section ("Pending", "Running", "Finished", "Failed") of the jobs web page whose
        table lists ``job``."""
        with urllib.request.urlopen(f"{self.url}jobs", timeout=30) as page:
            html = page.read().decode("utf-8")
        before = html[: html.index(f"<td>{job}</td>")]
        sections = ("Pending", "Running", "Finished", "Failed")
        return max(sections, key=lambda section: before.rfind(f">{section}</th>"))

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
    # The repository's scrapyd.conf, as the README says, on a port of our own.
    config = configparser.ConfigParser()
    config.read(REPO / "scrapyd.conf", encoding="utf-8")
    config["scrapyd"].update(
        bind_address="127.0.0.1", http_port=str(port), poll_interval="0.2", max_proc="2"
    )
    with (folder / "scrapyd.conf").open("w", encoding="utf-8") as out:
        config.write(out)
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
    state, entry = deployed.listed(job)
    assert deployed.ended(job) == "Process finished:"
    assert (state, set(entry)) == ("finished", FINISHED_KEYS)
    assert deployed.jobs_page_section(job) == "Finished"
    with sqlite3.connect(archive) as db:
        archived = {url for (url,) in db.execute("select canonical_url from articles")}
        ((settings,),) = db.execute("select settings from crawl_runs").fetchall()
    expected = {demo_server.base_url + a.path for a in demo_site.articles if a.edition == "de"}
    assert archived == expected
    # A mirror on this machine: no politeness delays under scrapyd either.
    assert json.loads(settings)["DOWNLOAD_DELAY"] == 0
    last = deployed.job_log(entry)[-1]
    assert "crawl finished in " in last and f"{len(expected)} new" in last


def test_a_job_against_an_unreachable_site_is_listed_as_failed(
    deployed: Scrapyd, tmp_path: Path
) -> None:
    job = deployed.schedule(
        "euronews",
        settings={"NEWSBOT_ARCHIVE": str(tmp_path / "a.db")},
        base_url=f"http://127.0.0.1:{free_port()}",
        editions="de",
    )
    state, entry = deployed.listed(job)
    assert deployed.ended(job) == "Process died: exitstatus=1"
    assert (state, set(entry), entry["exit_code"]) == ("failed", FINISHED_KEYS | {"exit_code"}, 1)
    assert deployed.jobs_page_section(job) == "Failed"
    last = deployed.job_log(entry)[-1]
    assert "ERROR: crawl unreachable in " in last and "0 fetched" in last


def test_a_job_that_finds_the_archive_locked_is_listed_as_failed(
    deployed: Scrapyd, tmp_path: Path
) -> None:
    archive = tmp_path / "a.db"
    lock = crawl_lock(archive)  # as a crawl still running would
    try:
        job = deployed.schedule(
            "euronews", settings={"NEWSBOT_ARCHIVE": str(archive)}, editions="de"
        )
        state, entry = deployed.listed(job)
    finally:
        lock.release()
    assert deployed.ended(job) == "Process died: exitstatus=1"
    assert (state, entry["exit_code"]) == ("failed", 1)
    assert deployed.jobs_page_section(job) == "Failed"
    last = deployed.job_log(entry)[-1]
    assert f"ERROR: {archive} is being crawled by another process (pid {os.getpid()})" in last


def test_newsbot_never_loads_its_scrapyd_components() -> None:
    # newsbot.scrapyd imports scrapyd's launcher, which installs Twisted's default reactor: a
    # crawl that loaded it would run on the wrong reactor. Only scrapyd loads it (scrapyd.conf).
    import ast

    def imports(path: Path) -> set[str]:
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.update([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
        return names

    package = REPO / "newsbot"
    loaders = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "newsbot.scrapyd" in imports(path) and path.name != "scrapyd.py"
    }
    assert loaders == set()
    assert {name for name in imports(package / "scrapyd.py") if name.startswith("newsbot")} == set()
