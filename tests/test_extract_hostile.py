"""Hostile pages: whatever the bytes, extraction answers (an article or why not), never raises."""

from __future__ import annotations

import codecs

import pytest

from newsbot.extract import Article, NotArticle, extract_article
from newsbot.items import Capture
from newsbot.worker import TIMEOUT_REASON, extract_with_limit

URL = "https://de.euronews.com/2026/03/02/eine-geschichte"
PARAGRAPHS = [
    "Die Stadtverwaltung von Görlitz hat am Montag angekündigt, dass die Altstadtbrücke über die "
    "Neiße ab Mai für den Autoverkehr gesperrt wird, weil Gutachter Risse in zwei Pfeilern fanden.",
    "Fußgänger und Radfahrer dürfen die Brücke weiter nutzen. Für Lieferverkehr richtet die Stadt "
    "eine Umleitung über den Stadtbrückenweg ein, die etwa vier Kilometer länger ist.",
    "Die Reparatur soll nach Schätzung des Bauamts rund 2,3 Millionen Euro kosten und bis zum "
    "Herbst dauern. Ein Teil der Kosten könnte aus einem grenzüberschreitenden Fonds kommen.",
]


def page(charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<html lang="de"><head><meta charset="{charset}"><title>Brücke gesperrt | Euronews</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-03-02 09:14:00 +01:00">'
        '</head><body><div class="o-article-newsy__main"><h1 class="c-article-redesign-title">'
        'Görlitz sperrt die Altstadtbrücke für Autos</h1><div class="c-article-content">'
        f"{body}</div></div></body></html>"
    )


def assert_the_article(result: Article | NotArticle) -> None:
    assert isinstance(result, Article), result
    assert result.title == "Görlitz sperrt die Altstadtbrücke für Autos"
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_utf8_reference() -> None:
    assert_the_article(extract_article(page().encode(), URL, "euronews"))


def test_latin1_bytes_labelled_utf8_read_right() -> None:
    data = page("utf-8").encode("latin-1")
    result = extract_article(data, URL, "euronews", content_type="text/html; charset=utf-8")
    assert_the_article(result)


def test_utf16_with_bom_read_right() -> None:
    data = codecs.BOM_UTF16_LE + page("utf-16").encode("utf-16-le")
    assert_the_article(extract_article(data, URL, "euronews"))


def test_windows_1252_declared_read_right() -> None:
    data = page("windows-1252").encode("cp1252")
    assert_the_article(extract_article(data, URL, "euronews"))


def test_unknown_charset_label_falls_back_safely() -> None:
    data = page("x-no-such-charset").encode("utf-8")
    assert_the_article(extract_article(data, URL, "euronews"))


def test_truncated_page_keeps_what_arrived() -> None:
    data = page().encode()
    cut = data[: data.index(PARAGRAPHS[2][:20].encode())]
    result = extract_article(cut, URL, "euronews")
    assert isinstance(result, Article)
    assert result.text.startswith(PARAGRAPHS[0])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty page"),
        (b"\x00" * 5000, "not HTML"),
        (bytes(range(256)) * 40, "not HTML"),
        (b"<html><body><div>" * 20000 + b"text", ""),
        (b"<" * 200_000, ""),
        (b"<html><body>" + b"<p>" + b"x" * (11 * 1024 * 1024) + b"</p>", "page too large"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><html><body><p>x</p></body></html>', ""),
    ],
)
def test_hostile_bytes_give_a_reason_never_an_exception(data: bytes, reason: str) -> None:
    result = extract_article(data, URL, "euronews")
    assert isinstance(result, NotArticle)
    assert result.reason.startswith(reason)


def test_deep_nesting_around_an_article_is_handled() -> None:
    html = page().replace(
        '<div class="c-article-content">', "<div>" * 3000 + '<div class="c-article-content">'
    )
    result = extract_article(html.encode(), URL, "euronews")
    assert isinstance(result, (Article, NotArticle))  # answered, did not raise


def test_a_page_whose_time_runs_out_is_recorded_not_stuck() -> None:
    huge = page().replace("</div></div>", "<p>" + "Weiterer Satz. " * 400_000 + "</p></div></div>")
    capture = Capture(
        url=URL,
        final_url=URL,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=huge.encode(),
        fetched_at="2026-03-02T10:00:00+00:00",
        site="euronews",
        kind="article",
    )
    extraction = extract_with_limit(capture, 0.05)
    assert isinstance(extraction.result, NotArticle)
    assert extraction.result.reason.startswith(TIMEOUT_REASON)
