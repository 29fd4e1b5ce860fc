"""Archives of generated article pages, built quickly and kept for the next run.

    from _archives import build_archive, cached_archive
    path = cached_archive(20_000)            # built once (about 4 minutes), upgraded, reused
    build_archive(Path("x.db"), 2_000, extract=False)

Each article of a :class:`~sitegen.GeneratedSite` (2026 template, 300-325 KB, en/de/fr) is
rendered as the demo server serves it, stored through ``Archive.save_capture`` as a capture of
site ``euronews`` fetched from ``BASE_URL`` (one crawl run recording its ``USER_AGENT``, three
seconds between captures), with the article newsbot's own extraction finds in it
(``extract=False``: captures only, as pages not yet extracted). Rendering, compressing and
extracting run in worker processes, one per core; only the writes are in this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsbot import __version__  # noqa: E402
from newsbot.archive import Archive  # noqa: E402
from newsbot.archive.bodies import make_compressor, prepare  # noqa: E402
from newsbot.demo.responses import make_response  # noqa: E402
from newsbot.extract import extract_article  # noqa: E402
from newsbot.items import Article, Capture  # noqa: E402
from sitegen import GeneratedSite  # noqa: E402

#: Where the pages seem to have been fetched from (a demo server's address).
BASE_URL = "http://127.0.0.1:8765"
#: Where :func:`cached_archive` keeps its archives between runs (NEWSBOT_BENCH_CACHE overrides).
CACHE = Path(os.environ.get("NEWSBOT_BENCH_CACHE", "/tmp/newsbot-bench-archives"))
USER_AGENT = f"newsbot/{__version__} (news archive crawler; Scrapy)"
_START = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
#: Pages per worker task: a worker is forked afresh for each, so what the site caches of the
#: pages it renders (their views) is dropped with it.
_CHUNK = 250

_site: GeneratedSite | None = None  # set before the workers fork, read by them


def size_arguments(parser: argparse.ArgumentParser) -> None:
    """``--small`` and ``--large``: the articles of the two archives a memory bench compares."""
    parser.add_argument("--small", type=int, default=2000, help="articles of the small archive")
    parser.add_argument("--large", type=int, default=20000, help="articles of the large archive")


def cached_archive(articles: int, *, extract: bool = True) -> Path:
    """An archive of ``articles`` generated articles under :data:`CACHE`, built on first use."""
    path = CACHE / f"generated-{articles}{'' if extract else '-unextracted'}.db"
    if not path.exists():
        build_archive(path, articles, extract=extract)
    else:
        Archive.open(path).close()  # one built by an older newsbot: upgraded (once)
    return path


def build_archive(path: Path, articles: int, *, extract: bool = True) -> Path:
    """Build an archive of ``articles`` generated article pages at ``path`` (replacing any
    file there) and return ``path``. Written under a temporary name and renamed once complete,
    so an interrupted build is never taken for a finished one."""
    global _site
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    _site = GeneratedSite(articles)
    paths = [article.path for article in _site.articles]
    chunks = [(i, paths[i : i + _CHUNK], extract) for i in range(0, len(paths), _CHUNK)]
    context = multiprocessing.get_context("fork")
    with (
        Archive.open(building) as archive,
        context.Pool(os.cpu_count() or 1, maxtasksperchild=1) as pool,
    ):
        run_id = archive.crawl_runs.start(
            spider="euronews", site="euronews", settings={"USER_AGENT": USER_AGENT}
        )
        for chunk in pool.imap(_render, chunks):
            for capture, article in chunk:
                archive.save_capture(capture, run_id=run_id, article=article)
        archive.crawl_runs.finish(
            run_id, status="finished", stats={}, counts={"fetched": len(paths)}
        )
    _site = None
    building.replace(path)
    return path


def _render(task: tuple[int, list[str], bool]) -> list[tuple[Capture, Article | None]]:
    """Captures (bodies already compressed) and articles of one chunk of pages."""
    first, paths, extract = task
    assert _site is not None, "workers are forked after the site is built"
    compressor = make_compressor()
    done: list[tuple[Capture, Article | None]] = []
    for index, page in enumerate(paths, start=first):
        # What respond() serves, without the gzipped copy it keeps for a server (a third of
        # the time of a page here, and a cache that would grow with the archive).
        response = make_response(_site._page(page), BASE_URL)
        url = BASE_URL + page
        fetched_at = (_START + dt.timedelta(seconds=3 * index)).isoformat(timespec="seconds")
        headers = [*response.headers, ("Server", "newsbot-demo/1.0")]
        capture = Capture(
            url=url,
            final_url=url,
            status=response.status,
            headers=headers,
            body=b"",
            fetched_at=fetched_at,
            site="euronews",
            kind="article",
            stored_body=prepare(response.body, compressor),
        )
        article = None
        if extract:
            found = extract_article(
                response.body,
                url,
                "euronews",
                content_type=response.header("Content-Type"),
                captured_at=fetched_at,
            )
            if isinstance(found, Article):
                article = found
            else:
                capture.not_article = found.reason
                capture.live_blog = found.kind == "live_blog"
        done.append((capture, article))
    return done


if __name__ == "__main__":
    import time

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    start = time.monotonic()
    built = build_archive(Path(sys.argv[2]) if len(sys.argv) > 2 else CACHE / "try.db", count)
    print(f"{count} articles in {time.monotonic() - start:.0f} s: {built}")
