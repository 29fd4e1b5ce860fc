"""Metadata a page gives only in a roundabout way: a reporter's role written after the name
(Korean, Japanese and Chinese bylines), a last-updated time as the only time the page gives.
"""

from __future__ import annotations

from conftest import real_page

from newsbot.extract import Article, extract_article

URL = "https://courier.example/politics/2026/harbour-vote"
BODY = (
    "<p>The regional rail operator will run night trains between the two cities from June, "
    "its chief executive told a meeting of mayors on Monday.</p>"
    "<p>Sleeper cars bought second-hand from a neighbouring country are being refitted in the "
    "depot and the first trial runs are planned for the end of April.</p>"
    "<p>Tickets go on sale next month, with a discount for students and for passengers who "
    "bring their own bicycle, the operator said in a statement.</p>"
)


def page(head: str) -> bytes:
    return (
        "<html lang='en'><head><meta property='og:type' content='article'>"
        f"<title>Harbour closes to cargo ships</title>{head}</head>"
        f"<body><article><h1>Harbour closes to cargo ships</h1>{BODY}</article></body></html>"
    ).encode()


def read(html: bytes) -> Article:
    article = extract_article(html, URL)
    assert isinstance(article, Article), article
    return article


def test_a_reporters_role_after_the_name_is_no_part_of_it() -> None:
    assert read(page("<meta name='author' content='신현주 기자'>")).authors == ["신현주"]
    assert read(page("<meta name='author' content='山田太郎 記者'>")).authors == ["山田太郎"]
    # The same word inside a name, or a name without it, is left alone.
    assert read(page("<meta name='author' content='Jane Doe'>")).authors == ["Jane Doe"]


def test_the_last_updated_day_stands_in_for_a_publication_time_the_page_does_not_give() -> None:
    updated = "<meta property='og:updated_time' content='2026-05-13T15:44:29+02:00'>"
    article = read(page(updated))
    assert article.published_at == "2026-05-13"
    assert article.modified_at == "2026-05-13T15:44:29+02:00"
    # A publication time the page gives wins.
    both = updated + "<meta property='article:published_time' content='2026-05-11T08:00:00Z'>"
    assert read(page(both)).published_at == "2026-05-11T08:00:00+00:00"
    assert read(page("")).published_at is None


def test_real_pages() -> None:
    html, truth = real_page("kr-HankookIlbo_2026_01_29")
    article = extract_article(html, str(truth["url"]))
    assert isinstance(article, Article), article
    assert article.authors == truth["authors"] == ["신현주"]
    html, truth = real_page("de-AFPFaktencheck_2026_05_24")
    article = extract_article(html, str(truth["url"]))
    assert isinstance(article, Article), article
    assert (article.published_at or "")[:10] == str(truth["published"])[:10]
