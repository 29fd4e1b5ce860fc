"""A page can never overwrite another page's article: pages that lie about their canonical URL,
and the honest ones (tracking parameters, http, trailing slash, AMP versions, mirrors) that must
keep working, in both orders, through the library, re-extraction and a real crawl."""

from __future__ import annotations

import http.server
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import run_newsbot

from newsbot.archive import Archive
from newsbot.items import Article, Capture, Link, Reextracted

SITE = "https://www.euronews.com"
CONTROL = f"{SITE}/2026/03/02/the-control-story"
LIAR = f"{SITE}/2026/03/02/a-page-that-lies"
AMP = f"{SITE}/amp/2026/03/02/the-control-story"


def capture(url: str, body: bytes = b"<p>page</p>", *, final_url: str | None = None) -> Capture:
    return Capture(
        url=url,
        final_url=final_url or url,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body + url.encode(),
        fetched_at="2026-03-02T10:00:00+00:00",
        site="euronews",
        kind="article",
    )


def control(page: str = CONTROL) -> Article:
    return Article(
        url=page,
        canonical_url=CONTROL,
        title="The control story",
        text="The control story's own text, written by its own reporters.",
        site="euronews",
        links=[Link(kind="related", url=f"{SITE}/2026/03/01/a-real-related-story")],
        extractor_version="test",
    )


def liar(page: str = LIAR, canonical: str = CONTROL) -> Article:
    return Article(
        url=page,
        canonical_url=canonical,
        title="Buy cheap watches",
        text="Spam that claims to be the control story.",
        site="euronews",
        links=[Link(kind="related", url="https://spam.example/buy")],
        extractor_version="test",
    )


def rows(archive: Archive, sql: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(archive.path)
    try:
        return [tuple(row) for row in conn.execute(sql, args)]
    finally:
        conn.close()


def articles(archive: Archive) -> dict[str, tuple[object, ...]]:
    """canonical URL → (title, the page it was read from, that page's capture URL)."""
    found = rows(
        archive,
        "SELECT a.canonical_url, a.title, a.url, c.url FROM articles a"
        " JOIN captures c ON c.id = a.capture_id",
    )
    return {str(row[0]): row[1:] for row in found}


def links(archive: Archive) -> set[tuple[object, ...]]:
    return set(rows(archive, "SELECT source_url, target_url FROM links"))


def refusals(archive: Archive) -> list[tuple[object, ...]]:
    return rows(archive, "SELECT url, stage, message FROM errors WHERE kind = 'canonical_refused'")


EXPECTED = {
    CONTROL: ("The control story", CONTROL, CONTROL),
    LIAR: ("Buy cheap watches", LIAR, LIAR),
}
EXPECTED_LINKS = {
    (CONTROL, f"{SITE}/2026/03/01/a-real-related-story"),
    (LIAR, "https://spam.example/buy"),
}


@pytest.mark.parametrize("liar_first", [False, True], ids=["control-first", "liar-first"])
def test_a_page_naming_another_archived_page_cannot_take_its_row(
    tmp_path: Path, liar_first: bool
) -> None:
    pages = [(CONTROL, control()), (LIAR, liar())]
    with Archive.open(tmp_path / "a.db") as archive:
        for url, article in reversed(pages) if liar_first else pages:
            archive.save_capture(capture(url), run_id=None, article=article)

        assert articles(archive) == EXPECTED
        assert links(archive) == EXPECTED_LINKS
        hits = archive.search("watches")
        assert [hit.url for hit in hits] == [LIAR]
        [(url, stage, message)] = refusals(archive)
        assert (url, stage) == (LIAR, "archive")
        assert CONTROL in str(message) and f"kept under {LIAR}" in str(message)
        # Its history never holds the liar's text as the control's latest version.
        assert archive.history.versions(CONTROL)[-1].article.title == "The control story"


def test_a_lying_page_fetched_again_never_takes_the_row(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_capture(capture(CONTROL), run_id=None, article=control())
        for n in range(3):
            lie = replace(liar(), text=f"Spam number {n} that claims to be the control story.")
            saved = archive.save_capture(capture(LIAR, b"%d" % n), run_id=None, article=lie)
            assert saved.article == ("new" if n == 0 else "changed")
        assert articles(archive)[CONTROL] == EXPECTED[CONTROL]
        assert len(refusals(archive)) == 3


def test_the_control_fetched_again_keeps_its_row_after_a_liar(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_capture(capture(LIAR), run_id=None, article=liar())
        archive.save_capture(capture(CONTROL), run_id=None, article=control())
        saved = archive.save_capture(capture(CONTROL), run_id=None, article=control())
        assert saved.article == "unchanged"
        assert articles(archive) == EXPECTED
        assert len(refusals(archive)) == 1


def test_a_canonical_on_another_site_never_takes_the_row(tmp_path: Path) -> None:
    elsewhere = "https://another-site.example/2026/03/02/the-control-story"
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_capture(capture(LIAR), run_id=None, article=liar(canonical=elsewhere))
        assert articles(archive) == {LIAR: EXPECTED[LIAR]}
        [(_, _, message)] = refusals(archive)
        assert "on another site" in str(message)


@pytest.mark.parametrize(
    "page",
    [
        f"{CONTROL}?utm_source=newsletter&utm_medium=email",  # tracking parameters
        CONTROL.replace("https://", "http://"),  # http for an https site
        CONTROL + "/",  # a trailing slash
        "http://127.0.0.1:8000/2026/03/02/the-control-story",  # a mirror of the site
    ],
)
def test_the_control_under_another_form_of_its_url_is_its_own(tmp_path: Path, page: str) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        # A liar before the control and one after: the control's own page, whatever form it
        # was fetched under, takes its row back from the first and refuses it to the second.
        archive.save_capture(capture(LIAR), run_id=None, article=liar())
        archive.save_capture(capture(page), run_id=None, article=control(page))
        archive.save_capture(capture(LIAR, b"again"), run_id=None, article=liar())
        stored = articles(archive)
        assert stored[CONTROL][:2] == ("The control story", page)
        assert stored[LIAR][0] == "Buy cheap watches"
        assert set(stored) == {CONTROL, LIAR}


def test_an_amp_page_stands_for_its_article_until_the_article_is_fetched(tmp_path: Path) -> None:
    amp = replace(control(AMP), text="The control story's own text, in its AMP version.")
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_capture(capture(AMP), run_id=None, article=amp)
        assert articles(archive) == {CONTROL: ("The control story", AMP, AMP)}
        assert refusals(archive) == []

        archive.save_capture(capture(CONTROL), run_id=None, article=control())
        assert articles(archive) == {
            CONTROL: ("The control story", CONTROL, CONTROL),
            AMP: ("The control story", AMP, AMP),
        }
        assert [hit.url for hit in archive.search("AMP version")] == [AMP]


@pytest.mark.parametrize("amp_first", [True, False], ids=["amp-first", "print-first"])
def test_two_versions_of_an_unfetched_article_both_stay(tmp_path: Path, amp_first: bool) -> None:
    printed = f"{CONTROL}?print=1"
    versions = [
        (AMP, replace(control(AMP), text="The control story, AMP version.")),
        (printed, replace(control(printed), text="The control story, print version.")),
    ]
    with Archive.open(tmp_path / "a.db") as archive:
        for url, article in versions if amp_first else reversed(versions):
            archive.save_capture(capture(url), run_id=None, article=article)
        # The row of the article neither was read from is the last one's; neither is lost.
        last, first = (printed, AMP) if amp_first else (AMP, printed)
        assert {url: row[1] for url, row in articles(archive).items()} == {
            CONTROL: last,
            first: first,
        }
        archive.save_capture(capture(CONTROL), run_id=None, article=control())
        assert {url: row[1] for url, row in articles(archive).items()} == {
            CONTROL: CONTROL,
            AMP: AMP,
            printed: printed,
        }
        assert sorted(str(url) for url, *_ in refusals(archive)) == sorted([AMP, printed])


def test_a_redirect_to_another_page_is_not_a_capture_of_its_own(tmp_path: Path) -> None:
    old_slug = f"{SITE}/2026/03/02/old-slug"
    with Archive.open(tmp_path / "a.db") as archive:
        # The old URL answers with the control's page: that page names the control.
        archive.save_capture(capture(old_slug, final_url=AMP), run_id=None, article=control(AMP))
        archive.save_capture(capture(LIAR), run_id=None, article=liar(canonical=old_slug))
        assert articles(archive)[old_slug][0] == "Buy cheap watches"
        assert refusals(archive) == []


def test_extracting_one_page_again_by_hand_follows_the_same_rule(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_capture(capture(CONTROL), run_id=None, article=control())
        lying = archive.save_capture(capture(LIAR), run_id=None)
        assert archive.save_article(liar(), capture_id=lying.capture_id) == "new"
        assert articles(archive) == EXPECTED
        assert [url for url, *_ in refusals(archive)] == [LIAR]


def reextract(archive: Archive, results: list[Reextracted]) -> list[str]:
    run_id, _ = archive.reextraction.start("reextract", "euronews", {"key": "test"})
    done = archive.reextraction.apply(run_id, results, lambda changes: {})
    return [applied.change for applied in done]


@pytest.mark.parametrize("liar_first", [False, True], ids=["control-first", "liar-first"])
def test_reextraction_keeps_the_control_whatever_the_order(
    tmp_path: Path, liar_first: bool
) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        # Captures kept without extraction (as a WARC import keeps them), extracted later.
        order = [(LIAR, liar()), (CONTROL, control())] if liar_first else [
            (CONTROL, control()),
            (LIAR, liar()),
        ]  # fmt: skip
        saved = [
            (archive.save_capture(capture(url), run_id=None).capture_id, url, article)
            for url, article in order
        ]
        results = [Reextracted(cid, url, article) for cid, url, article in saved]
        assert reextract(archive, results) == ["new", "new"]
        assert articles(archive) == EXPECTED
        assert links(archive) == EXPECTED_LINKS

        # Extracting everything again changes nothing and refuses nothing new.
        assert reextract(archive, results) == ["unchanged", "unchanged"]
        assert articles(archive) == EXPECTED
        assert len(refusals(archive)) == 1


def test_reextraction_gives_the_row_back_to_the_control_after_a_liar_held_it(
    tmp_path: Path,
) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        # The liar was extracted while the control had no capture: it held the row.
        lying = archive.save_capture(capture(LIAR), run_id=None, article=liar())
        assert articles(archive)[CONTROL][0] == "Buy cheap watches"
        kept = archive.save_capture(capture(CONTROL), run_id=None).capture_id

        assert reextract(archive, [Reextracted(kept, CONTROL, control())]) == ["new"]
        assert articles(archive) == EXPECTED
        # The liar's page extracted again finds its article where it now lives.
        again = [Reextracted(lying.capture_id, LIAR, liar())]
        assert reextract(archive, again) == ["unchanged"]
        assert articles(archive) == EXPECTED


# -- a real crawl of a site whose pages lie -------------------------------------------------

PARAGRAPH = (
    "<p>{what} This paragraph is long enough for the extractor to take the page for an "
    "article: it tells what happened, where, and what the people there said about it.</p>"
)


def page(title: str, canonical: str, what: str) -> bytes:
    body = "".join(PARAGRAPH.format(what=f"{what} ({n})") for n in range(4))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="canonical" href="{canonical}">'
        '<meta property="og:type" content="article"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


class LyingSite(http.server.BaseHTTPRequestHandler):
    """/news/control is itself; /news/liar and /news/copycat say they are /news/control."""

    pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def lying_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LyingSite)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    control_url = f"{base}/news/control"
    LyingSite.pages = {
        "/news/control": page("The control story", control_url, "The control story's text."),
        "/news/liar": page("Buy cheap watches", control_url, "Spam about watches."),
        "/news/copycat": page("Copied story", "/news/control", "A copy with other words."),
        "/robots.txt": b"User-agent: *\nAllow: /\n",
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("liar_first", [False, True], ids=["control-first", "liars-first"])
def test_a_crawl_keeps_the_control_whatever_the_order(
    tmp_path: Path, lying_site: str, liar_first: bool
) -> None:
    db = tmp_path / "crawl.db"
    control_url = f"{lying_site}/news/control"
    liars = [f"{lying_site}/news/liar", f"{lying_site}/news/copycat"]
    runs = [liars, [control_url]] if liar_first else [[control_url], liars]
    for urls in runs:
        args = [arg for url in urls for arg in ("--url", url)]
        result = run_newsbot(
            "crawl", "generic", "--base-url", lying_site, "--archive", str(db), "--quiet", *args
        )
        assert result.returncode == 0, result.stdout + result.stderr

    with Archive.open(db, readonly=True) as archive:
        stored = {url: title for url, (title, *_) in articles(archive).items()}
        assert stored == {
            control_url: "The control story",
            liars[0]: "Buy cheap watches",
            liars[1]: "Copied story",
        }
        control_row = archive.articles.get(control_url)
        assert control_row is not None and "Spam" not in str(control_row["text"])
        assert sorted(str(url) for url, *_ in refusals(archive)) == sorted(liars)
