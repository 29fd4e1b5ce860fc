"""A crawl that keeps no archive in its own process (a node of a distributed crawl) is a matter
of settings: another sink instead of the archive extension gets every finished item, articles
extracted, and no archive is opened or made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from sitegen import DemoServer, DemoSite

TESTS = Path(__file__).resolve().parent

NODE = """
import sys
from scrapy.crawler import CrawlerProcess
from newsbot.runner import build_settings

out, archive, base = sys.argv[1:]
settings = build_settings({
    "EXTENSIONS": {
        "newsbot.crawl.archive_extension.ArchiveExtension": None,
        "node_sink.JsonLinesSink": 100,
    },
    "NODE_SINK_FILE": out,
    "NEWSBOT_ARCHIVE": archive,
    "NEWSBOT_EXTRACT_WORKERS": 1,
    "LOG_LEVEL": "WARNING",
})
process = CrawlerProcess(settings)
process.crawl("euronews", base_url=base, editions="de")
process.start()
"""


def test_a_crawl_with_another_sink_hands_it_every_item_and_makes_no_archive(
    tmp_path: Path, demo_server: DemoServer, demo_site: DemoSite
) -> None:
    out, archive = tmp_path / "items.jsonl", tmp_path / "never.db"
    path = os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run(
        [sys.executable, "-c", NODE, str(out), str(archive), demo_server.base_url],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    base = demo_server.base_url
    listed = {base + a.path: a for a in demo_site.articles if a.edition == "de"}
    titled = {i["url"]: i["title"] for i in items if i.get("kind") == "article" and i["title"]}
    assert set(titled) == set(listed)
    assert all(title for title in titled.values())
    assert any(i["links"] for i in items)
    assert not archive.exists()
