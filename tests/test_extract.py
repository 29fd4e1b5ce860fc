"""Extraction as a pure function: demo pages (written by the project) and focused cases."""

from __future__ import annotations

from typing import Any

import pytest

from newsbot.extract import (
    Article,
    NotArticle,
    canonicalize_url,
    extract_article,
    extract_page,
    filter_lines,
    is_furniture_line,
)
from newsbot.extract.dates import to_iso8601
from newsbot.normalize import normalize_space
from sitegen import DemoSite

BASE = "http://127.0.0.1:8000"


def page(site: DemoSite, path: str) -> bytes:
    response = site.respond(path, BASE)
    assert response.status == 200, path
    return response.body


def test_demo_articles_extract_to_their_truth(demo_site: DemoSite) -> None:
    checked = 0
    for truth in demo_site.articles:
        result = extract_article(page(demo_site, truth.path), BASE + truth.path, "euronews")
        assert isinstance(result, Article), (truth.path, result)
        assert result.canonical_url == BASE + truth.path
        assert result.title == normalize_space(truth.title)
        assert result.teaser == normalize_space(truth.teaser)
        assert result.authors == list(truth.authors)
        assert result.tags == list(truth.tags)
        assert result.published_at == truth.published_at
        assert result.language == truth.language
        assert result.image_url == truth.image_url
        paragraphs = result.text.split("\n\n")
        for paragraph in truth.paragraphs:
            assert normalize_space(paragraph) in paragraphs, (truth.path, paragraph[:50])
        related = [link.url for link in result.links if link.kind == "related"]
        assert related == [BASE + p for p in truth.related], truth.path
        checked += 1
    assert checked >= 30


def test_profile_is_chosen_by_host_without_a_site_argument(demo_site: DemoSite) -> None:
    truth = demo_site.articles[0]
    # On a euronews.com host the euronews profile applies by itself (and upgrades to https).
    result = extract_article(page(demo_site, truth.path), "http://www.euronews.com" + truth.path)
    assert isinstance(result, Article)
    assert result.site == "euronews"
    assert result.extractor_version.endswith(result.extractor_version.split()[-1])


def test_section_pages_video_pages_and_404_are_not_articles(demo_site: DemoSite) -> None:
    for path in ("/en/news/europe", "/de/culture", *demo_site.video_paths[:1]):
        result = extract_article(page(demo_site, path), BASE + path, "euronews")
        assert isinstance(result, NotArticle), path
        assert not result
        assert result.reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty page"),
        (b"   \n\t ", "empty page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not HTML"),
        (b"<html><head><title>x</title></head><body><p>Hi.</p></body></html>", "no sign of an"),
        (
            b"<html><head><meta property='og:type' content='article'><title>x</title></head>"
            b"<body><p>Hi.</p></body></html>",
            "no article text",
        ),
    ],
)
def test_unreadable_pages_say_why(body: bytes, reason: str) -> None:
    result = extract_article(body, "https://www.example.org/a", None)
    assert isinstance(result, NotArticle)
    assert result.reason.startswith(reason)


def test_furniture_lines_go_sentences_about_sharing_stay() -> None:
    for line in (
        "Diesen Artikel teilen",
        "Diesen Artikel teilenKommentare",
        "Diesen Artikel teilenClose Button",
        "Den Link zum Einbetten des Videos kopierenCopy to clipboardCopied",
        "WERBUNG",
        "Zum selben Thema",
        "Share this article • Comments",
        "ΔΙΑΦΉΜΙΣΗ",
    ):
        assert is_furniture_line(line), line
    for line in (
        "Viele Leser wollten diesen Artikel teilen, doch die Seite war überlastet.",
        "Copy to clipboard is what the app asked users to do with their passwords.",
        "Die Werbung für das Festival begann schon im Januar.",
    ):
        assert not is_furniture_line(line), line
    text = "Erster Absatz.\nWERBUNG\n\nZweiter Absatz über das Teilen von Artikeln.\nKommentare"
    assert filter_lines(text) == "Erster Absatz.\n\nZweiter Absatz über das Teilen von Artikeln."


def test_a_generic_site_gets_trafilatura_with_the_phrase_filter() -> None:
    paragraphs = [
        "The harbour authority said on Tuesday that the new ferry terminal would open in May, "
        "two months later than planned, because a crane collapsed during a storm in January.",
        "Engineers spent six weeks checking the quay walls before work could resume, and the "
        "contractor has since added a second crew to make up for lost time.",
        "Local businesses welcomed the news but warned that another delay would cost them "
        "much of the summer season, when most visitors arrive by boat from the islands.",
    ]
    html = (
        "<html lang='en-GB'><head><title>Ferry terminal opens in May | Harbour News</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-02-10T08:30:00Z'>"
        "<link rel='canonical' href='http://www.example.org/news/ferry-terminal?utm_source=x#top'>"
        "</head><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav><article>"
        "<h1>Ferry terminal opens in May</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "<p>Share this article</p><p>ADVERTISEMENT</p></article>"
        "<footer>© Harbour News</footer></body></html>"
    )
    result = extract_article(html.encode(), "http://www.example.org/news/ferry-terminal")
    assert isinstance(result, Article)
    assert result.site == "generic"
    assert result.title == "Ferry terminal opens in May"
    assert result.canonical_url == "http://www.example.org/news/ferry-terminal"
    assert result.published_at == "2026-02-10T08:30:00+00:00"
    assert result.language == "en"
    assert result.text == "\n\n".join(paragraphs)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://WWW.Euronews.com:80/2026/03/02/a?utm_source=x&id=3#frag",
            "https://www.euronews.com/2026/03/02/a?id=3",
        ),
        ("https://de.euronews.com/a?fbclid=1&gclid=2", "https://de.euronews.com/a"),
        ("http://127.0.0.1:8000/de/a?p=2", "http://127.0.0.1:8000/de/a?p=2"),
        ("javascript:void(0)", None),
        ("mailto:news@example.org", None),
        ("data:text/html,<b>x</b>", None),
        ("", None),
        ("http://[::1", None),
        ("https://example.org/" + "a" * 3000, None),
        ("https://bücher.example/ü", "https://xn--bcher-kva.example/%C3%BC"),
    ],
)
def test_canonical_urls(url: str, expected: str | None) -> None:
    got = canonicalize_url(
        url, strip_params=("utm_*", "fbclid", "gclid"), https_hosts=("euronews.com",)
    )
    assert got == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-28 12:25:38 +02:00", "2024-04-28T12:25:38+02:00"),
        ("2026-03-24T15:41:34+0100", "2026-03-24T15:41:34+01:00"),
        ("2026-03-24T14:41:34Z", "2026-03-24T14:41:34+00:00"),
        ("1774363294", "2026-03-24T14:41:34+00:00"),
        ("2024-04-28", None),
        ("2024-04-28 12:25:38", None),
        ("yesterday", None),
    ],
)
def test_dates_become_iso8601_with_zone_or_nothing(value: str, expected: str | None) -> None:
    assert to_iso8601(value) == expected


def _cropped_page(article: bytes) -> bytes:
    return (
        b'<html lang="de"><head><meta charset="utf-8"><title>t</title></head><body>'
        b"<nav>mega menu</nav>" + article + b"<footer>Impressum</footer>"
        b'<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        b"<div>" + b"Fu\xc3\x9fzeile " * 5000 + b"</div></body></html>"
    )


def _parse_cropped(page: bytes, css_class: str = "o-article-newsy") -> Any:
    from newsbot.extract.article import _UTF8_OPTIONS
    from newsbot.extract.crop import parse_cropped

    return parse_cropped(page, "article", css_class, _UTF8_OPTIONS, utf8=True)


def test_cropping_skips_only_what_precedes_the_article() -> None:
    page = (
        b'<html lang="de"><head><title>t</title></head><body class="x"><nav>menu</nav>'
        b'<script type="application/ld+json">{"@type": "NewsArticle"}</script><div>mega menu</div>'
        b'<article class="o-article-newsy big"><p>one</p><script>"<article"</script><p>two</p>'
        b"</article><footer>f</footer></body></html>"
    )
    doc = _parse_cropped(page)
    assert doc is not None
    assert "menu" not in doc.text_content() and doc.find(".//nav") is None
    # JSON-LD from the skipped part is kept; the head and the whole article are read.
    assert doc.xpath("//script[@type='application/ld+json']/text()") == ['{"@type": "NewsArticle"}']
    assert [p.text for p in doc.iter("p")] == ["one", "two"]
    assert doc.get("lang") == "de" and doc.findtext("head/title") == "t"
    assert _parse_cropped(page, "o-article") is None  # a class token, not a prefix
    assert _parse_cropped(b"<p>no head</p>", "x") is None
    # The first article with the class as a whole token, past cards that only resemble it.
    cards = (
        b'<article class="card"><a>o-article-newsy</a></article>'
        b'<article class="o-article-newsy-teaser">t</article><article\nclass="x o-article-newsy">'
    )
    doc = _parse_cropped(page.replace(b"<div>mega menu</div>", cards))
    assert doc is not None and doc.xpath("//article/@class")[0] == "x o-article-newsy"
    assert not set(doc.xpath("//article/@class")) & {"card", "o-article-newsy-teaser"}
    assert [p.text for p in doc.iter("p")] == ["one", "two"]
    # Without a lowercase tag to find, the page is simply parsed whole.
    assert _parse_cropped(page.replace(b"<article", b"<ARTICLE")) is None


def test_parsing_stops_where_the_article_ends() -> None:
    from lxml import etree
    from lxml import html as lxml_html

    page = _cropped_page(
        b'<article class="o-article-newsy"><h1>Titel</h1>'
        b'<article class="card"><p>Karte</p></article><p>Gr\xc3\xbc\xc3\x9fe</p></article>'
    )
    doc = _parse_cropped(page)
    assert isinstance(doc, lxml_html.HtmlElement)
    whole = lxml_html.document_fromstring(page)
    ours, theirs = (d.xpath('//article[@class="o-article-newsy"]')[0] for d in (doc, whole))
    assert etree.tostring(ours) == etree.tostring(theirs)  # the same element, every byte
    assert doc.xpath("string(//article[@class='o-article-newsy']/p)") == "Grüße"
    text = doc.text_content()
    assert "mega menu" not in text and "Impressum" not in text and "Fußzeile" not in text
    # JSON-LD after the article is still read, as is JSON-LD before it.
    assert doc.xpath('//script[@type="application/ld+json"]/text()') == ['{"@type": "NewsArticle"}']


def test_parsing_reads_the_whole_article_whatever_its_bytes_look_like() -> None:
    from lxml import etree
    from lxml import html as lxml_html

    # Counting tags would end this article inside the script or at the nested copy of its
    # own class; the parser's events decide.
    article = (
        b'<article class="o-article-newsy"><p>eins</p>'
        b'<article class="o-article-newsy"><p>zwei</p></article>'
        b'<script>var tag = "</article>";</script><p>drei</p></article>'
    )
    doc = _parse_cropped(_cropped_page(article))
    assert isinstance(doc, lxml_html.HtmlElement)
    outer = doc.xpath('//article[@class="o-article-newsy"]')[0]
    assert [p.text for p in outer.iter("p")] == ["eins", "zwei", "drei"]
    whole = lxml_html.document_fromstring(_cropped_page(article))
    assert etree.tostring(outer) == etree.tostring(whole.xpath("//article")[0])


def test_only_the_bytes_read_must_be_utf8() -> None:
    article = b'<article class="o-article-newsy"><p>Gr\xc3\xbc\xc3\x9fe</p></article>'
    page = _cropped_page(article)
    # A broken byte in what is skipped does not matter; in the article it does (the page is
    # then decoded whole, by the charset that fits).
    assert _parse_cropped(page.replace(b"mega menu", b"mega \xfc menu")) is not None
    assert _parse_cropped(page.replace(b"Impressum", b"Impr\xe9ssum")) is not None
    assert _parse_cropped(page.replace(b"Gr\xc3\xbc\xc3\x9fe", b"Gr\xfc\xdfe")) is None
    assert _parse_cropped(page.replace(b"<title>t", b"<title>\xe9t")) is None


def test_the_element_limit_counts_what_is_read() -> None:
    from newsbot.extract.article import MAX_TAGS

    url = "https://www.euronews.com/2026/03/02/a-story"
    paragraphs = (
        b"<p>" + b"The bridge stays closed to cars until the repairs are done. " * 3 + b"</p>"
    )
    article = (
        b'<article class="o-article-newsy"><h1 class="c-article-redesign-title">A bridge</h1>'
        b'<div class="c-article-content">' + paragraphs + b"</div></article>"
    )
    bomb = b"<b>" * (MAX_TAGS + 10)
    # A bomb in a part of the page the profile never reads costs nothing and changes nothing.
    skipped = _cropped_page(article).replace(b"<nav>mega menu</nav>", b"<nav>" + bomb + b"</nav>")
    read = extract_article(skipped, url, "euronews")
    assert isinstance(read, Article), read
    assert read.title == "A bridge" and "bridge stays closed" in read.text
    # Inside the article, or on a page read whole, it is refused before it is parsed.
    inside = _cropped_page(article.replace(b"</h1>", b"</h1>" + bomb))
    for page, site in ((inside, "euronews"), (skipped, "generic")):
        refused = extract_article(page, url, site)
        assert isinstance(refused, NotArticle)
        assert refused.reason.startswith("too many elements to read"), refused.reason


def test_an_article_whose_only_paragraph_is_its_standfirst_keeps_its_text() -> None:
    lead = (
        "The ferry timetable changes on Monday: boats leave every twenty minutes in the "
        "morning and every half hour after noon, the harbour office said."
    )
    page = (
        '<html><head><meta property="og:type" content="article"><title>Ferry times</title>'
        f'<meta name="description" content="{lead}"></head><body>'
        f'<header><h1>New ferry timetable from Monday</h1><p class="lead">{lead}</p></header>'
        f"<main><article><p>{lead}</p></article></main></body></html>"
    ).encode()
    result = extract_page(page, "https://harbour.example/news/ferry-times", "generic")
    assert isinstance(result.result, Article), result.result
    assert result.result.text == lead
    assert result.spared == 1


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Lesedauer: 4 Minuten", True),
        ("3 min read", True),
        ("Photo: AFP", True),
        ("Fotos: Nikolai von Bismarck", True),
        (
            "Photo: the ship leaving the harbour at dawn, seen from the old lighthouse on the pier",
            False,
        ),
        ("Reading time is what the survey measured, not attention.", False),
        ("Foto und Text stammen vom Fotografen selbst.", False),
    ],
)
def test_picture_credits_and_reading_times_are_furniture(line: str, furniture: bool) -> None:
    assert is_furniture_line(line) is furniture
