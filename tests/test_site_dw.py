"""The Deutsche Welle profile (newsbot/sites/dw.toml), on DW's own pages.

Two pages as dw.com served them (tests/fixtures/realpages, one of each template generation:
de-DW_2023_04_28 the older one, de-DW_2023_06_13 the React one), one page written for the
project in the React markup (tests/fixtures/sites/dw-en-2025-picture.html), and a local mirror
of the real pages crawled for real. Expected values are read off the pages, not the extractor.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, real_page, run_newsbot

from newsbot.archive import Archive
from newsbot.demo.responses import FIXED_DATE, HTML, XML, DemoResponse, Page, make_response
from newsbot.extract import Article, extract_article
from newsbot.extract.urls import canonicalize_url
from newsbot.sites import load_profile, profile_for_url, split_root
from sitegen import DemoServer

OLDER = "de-DW_2023_04_28"
REACT = "de-DW_2023_06_13"
OWN_PAGE = REPO / "tests" / "fixtures" / "sites" / "dw-en-2025-picture.html"
OWN_URL = "https://www.dw.com/en/lighthouse-keepers-return-to-the-baltic-coast/a-70111222"
_WORD = re.compile(r"\w+")


def body_f1(article: Article, truth_body: str) -> float:
    """Token F1 of the teaser and text against a truth body (the lead, then the body)."""
    got = Counter(_WORD.findall(f"{article.teaser}\n{article.text}".lower()))
    want = Counter(_WORD.findall(truth_body.lower()))
    common = sum((got & want).values())
    return 2 * common / (sum(got.values()) + sum(want.values())) if common else 0.0


def extract_real(name: str) -> tuple[Article, dict[str, str]]:
    html, truth = real_page(name)
    article = extract_article(html, truth["url"], captured_at=truth["crawl_date"][:10])
    assert isinstance(article, Article), article
    return article, truth


# --- where DW lives -----------------------------------------------------------------------


def test_dw_hosts_are_read_with_the_dw_profile() -> None:
    for url in (
        "https://www.dw.com/de/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327",
        "https://amp.dw.com/en/some-story/a-1",
    ):
        assert profile_for_url(url).slug == "dw"


def test_every_language_edition_lives_under_its_own_path() -> None:
    profile = load_profile("dw")
    assert {"de", "en", "es", "fr", "ru", "ar", "tr", "pl", "uk", "fa-ir"} <= set(profile.editions)
    assert len(profile.editions) >= 30
    roots = profile.edition_roots(["de", "en", "pt-br"])
    assert roots == {
        "de": "https://www.dw.com/de",
        "en": "https://www.dw.com/en",
        "pt-br": "https://www.dw.com/pt-br",
    }
    url = "https://www.dw.com/de/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327"
    assert split_root(url, roots) == (
        "de",
        "/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327",
    )
    # Each edition's own sitemaps, as DW publishes them under the language's path.
    disc = profile.discovery
    assert [roots["en"] + p for p in disc.news_sitemaps] == [
        "https://www.dw.com/en/news-sitemap.xml"
    ]
    assert [roots["de"] + p for p in disc.sitemap_indexes] == [
        "https://www.dw.com/de/article-sitemap.xml"
    ]


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327", True),
        ("/de/post-vac-syndrom-nach-covid-19-impfung-was-wissen-wir/a-65897191", True),
        ("/de/bachmut-die-festung-des-donbass-an-der-frontlinie/av-64934094", False),
        ("/de/achtung-ansteckend/g-17393954", False),
        ("/en/russia-ukraine-war-live-updates/live-68093624", False),
        ("/de/krieg-in-der-ukraine/t-60978725", False),
        ("/de/themen/s-9077", False),
        ("/de/impressum/a-15718489/extra", False),
    ],
)
def test_articles_are_the_a_pages(path: str, is_article: bool) -> None:
    assert load_profile("dw").is_article_path(path) is is_article


def test_the_feed_tag_is_not_part_of_an_address() -> None:
    profile = load_profile("dw")
    tagged = "https://www.dw.com/de/post-vac-syndrom/a-65897191?maca=de-rss-de-all-1119-xml-mrss"
    assert canonicalize_url(tagged, strip_params=profile.strip_params) == (
        "https://www.dw.com/de/post-vac-syndrom/a-65897191"
    )


def test_video_pages_are_not_extracted() -> None:
    result = extract_article(
        OWN_PAGE.read_bytes(), "https://www.dw.com/en/seals-on-the-jetty/av-70100033"
    )
    assert not result
    assert "excludes" in result.reason


# --- the React template (a real page) ---------------------------------------------------------


def test_react_page_reads_every_field_it_shows() -> None:
    article, _ = extract_real(REACT)
    assert article.site == "dw"
    assert article.title == "Post-Vac-Syndrom nach COVID-19-Impfung: Was wissen wir?"
    assert article.authors == ["Julia Vergin", "Clare Roth"]
    assert article.published_at == "2023-06-13T12:15:32+00:00"
    assert article.modified_at == "2023-06-13T14:11:01+00:00"
    assert article.language == "de"
    assert article.section == "Wissenschaft"
    assert article.tags == ["Long COVID", "Coronavirus"]
    assert article.canonical_url == (
        "https://www.dw.com/de/post-vac-syndrom-nach-covid-19-impfung-was-wissen-wir/a-65897191"
    )
    assert article.image_url == "https://static.dw.com/image/65897427_6.jpg"
    assert article.teaser.startswith("Müdigkeit und Muskelschmerzen: Jede Impfung kann")
    assert article.teaser.endswith("Was wissen wir über diese Impfschäden?")
    assert article.captions == [
        "Jede Impfung hat auch Nebenwirkungen, in seltenen Fällen sind diese schwerwiegend "
        "und hinterlassen bleibende Schäden."
    ]
    assert article.extras == {}


def test_react_page_text_is_the_article_and_nothing_around_it() -> None:
    article, truth = extract_real(REACT)
    assert body_f1(article, truth["body"]) >= 0.98
    assert article.text.startswith("Mehr als 13 Milliarden Impfdosen sind während der")
    assert article.text.endswith("Falk sagt, das sei in den seltensten Fällen möglich.")
    for furniture in (
        "Wie häufig sind Impfschäden?",  # an embedded video's headline
        "To view this video please enable JavaScript",
        "hinterlassen bleibende Schäden",  # the lead picture's caption
        "pressefoto_korb",  # its credit
        "p.dw.com/p/4SUrv",  # the share box
        "Achtung, ansteckend!",  # "Mehr zum Thema"
        "Julia Vergin",
        "vor 3 Stunden",
    ):
        assert furniture not in article.text, furniture


def test_react_page_links_its_related_block() -> None:
    article, _ = extract_real(REACT)
    related = [(link.url, link.label) for link in article.links if link.kind == "related"]
    assert related == [
        ("https://www.dw.com/de/achtung-ansteckend/g-17393954", "Mehr zum Thema"),
        (
            "https://www.dw.com/de/corona-und-wissenschaft-wer-sagt-die-wahrheit/a-60197169",
            "Mehr zum Thema",
        ),
        (
            "https://www.dw.com/de/was-schwangere-%C3%BCber-die-covid-19-impfung-wissen-sollten/a-57442784",
            "Mehr zum Thema",
        ),
    ]
    inline = [link.anchor_text for link in article.links if link.kind == "inline"]
    assert inline[:2] == ["Impfschäden", "Impfnebenwirkungen"]


# --- the older template (a real page) ---------------------------------------------------------


def test_older_page_reads_the_fields_it_shows() -> None:
    article, _ = extract_real(OLDER)
    assert article.site == "dw"
    assert article.title == "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken"
    assert article.teaser == (
        "Die Ukraine bereitet sich auf eine womöglich entscheidende Gegenoffensive vor, um die "
        "von Russland besetzten Gebiete zu befreien. Je länger Kiew wartet, desto besser "
        "scheinen seine Chancen."
    )
    assert article.language == "de"
    assert article.section == "Europa"  # the last breadcrumb: THEMEN / Welt / Europa
    assert article.tags == ["Krim-Krise", "Ukraine", "Russland", "Finnland", "Krieg in der Ukraine"]
    assert article.canonical_url == (
        "https://www.dw.com/de/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327"
    )
    assert article.image_url == "https://static.dw.com/image/65453399_6.jpg"
    assert (
        article.captions[0]
        == "Ukrainische Kriegstechnik bei den Kämpfen um Bachmut, 24. April 2023"
    )
    assert len(article.captions) == 3


def test_older_page_text_is_the_article_and_nothing_around_it() -> None:
    article, truth = extract_real(OLDER)
    assert body_f1(article, truth["body"]) >= 0.98
    assert article.text.startswith("Eine Autobahn in Polen nahe der Grenze zur Ukraine.")
    assert article.text.endswith(
        "Er hofft deshalb auf weitere Konvois mit schwerem Kriegsgerät aus dem Westen."
    )
    for furniture in (
        "Ukrainische Kriegstechnik bei den Kämpfen um Bachmut",  # a caption
        "Reparatur-Hub für Leopard-2-Panzer",  # "Die Redaktion empfiehlt"
        "Der schwierige Rückzug aus Russland",  # "Mehr zum Thema"
        "Ukraine: Besuch an der Front",  # audio and video on the topic
        "https://p.dw.com/p/4QgGF",
        "Roman Goncharenko",
        "Wir verwenden Cookies",
    ):
        assert furniture not in article.text, furniture


def test_older_page_links_both_related_blocks() -> None:
    article, _ = extract_real(OLDER)
    related = {
        urlsplit(link.url).path.rsplit("/", 1)[1]: link.label
        for link in article.links
        if link.kind == "related"
    }
    assert related == {
        "av-65422743": "Mehr zum Thema",  # Ukrainischer Militärgeheimdienst zuversichtlich
        "a-65457379": "Mehr zum Thema",  # Ukraine aktuell: Viele Tote nach russischer …
        "a-65441744": "Mehr zum Thema",  # Der schwierige Rückzug aus Russland
        # "Die Redaktion empfiehlt": its heading stands outside the block, so no label.
        "a-65391554": "",  # Ukraine aktuell: Reparatur-Hub für Leopard-2-Panzer in Polen
        "a-65463171": "",  # Ukraine: Deutsche Weltkriegstote im neuen Schützengraben
    }
    assert all(link.url.startswith("https://www.dw.com/de/") for link in article.links)


def test_older_page_reads_its_author_and_day() -> None:
    article, _ = extract_real(OLDER)
    assert article.authors == ["Roman Goncharenko"]
    assert (article.published_at or "").startswith("2023-04-28")


@pytest.mark.parametrize(
    ("name", "subheading"),
    [
        (OLDER, "Kämpfe um Bachmut, um Zeit zu gewinnen"),
        (REACT, "Was ist das Post-Vac-Syndrom und wie viele Menschen leiden darunter?"),
    ],
)
def test_subheadings_are_part_of_the_text(name: str, subheading: str) -> None:
    article, _ = extract_real(name)
    assert subheading in article.text.splitlines()


# --- a page written for the project: the English edition, a picture inside the body -----------


def test_own_page_reads_its_fields_and_leaves_the_pictures_out_of_the_text() -> None:
    article = extract_article(OWN_PAGE.read_bytes(), OWN_URL + "?maca=en-rss-en-all-1573-rdf")
    assert isinstance(article, Article), article
    assert article.title == "Lighthouse keepers return to the Baltic coast"
    assert article.authors == ["Mira Halvorsen"]
    assert article.published_at == "2025-03-11T07:40:00+00:00"
    assert article.language == "en"
    assert article.section == "Environment"
    assert article.tags == ["Birds", "Baltic Sea"]
    assert article.canonical_url == OWN_URL
    assert article.captions == [
        "The tower on Grosse Möweninsel has not had a resident since 1979",
        "The ledger's last entry before automation, dated October 1979",
    ]
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The ferry to Grosse Möweninsel runs twice a week")
    assert paragraphs[-1].endswith('"even if the clock no longer matters."')
    # Six paragraphs and the body's two subheadings (the video's heading is not text).
    assert len(paragraphs) == 8
    assert "A logbook picked up after forty years" in paragraphs
    assert "Not everyone wants the company" in paragraphs
    for furniture in ("dated October 1979", "Tobias Brenner", "Life on a lighthouse island"):
        assert furniture not in article.text, furniture


def test_own_page_keeps_a_related_video_as_a_link() -> None:
    article = extract_article(OWN_PAGE.read_bytes(), OWN_URL)
    assert isinstance(article, Article), article
    related = [link.url for link in article.links if link.kind == "related"]
    assert related == [
        "https://www.dw.com/en/salt-meadows-flood-again-on-purpose/a-70004455",
        "https://www.dw.com/en/seals-on-the-jetty/av-70100033",
    ]


# --- a local mirror of dw.com, crawled for real -------------------------------------------


class DwMirror:
    """The German edition of dw.com on this server: the real pages at ``/de/…`` and the two
    sitemaps DW publishes for an edition, listing them."""

    def __init__(self, names: list[str]) -> None:
        self.pages: dict[str, str] = {}
        self.urls: dict[str, str] = {}  # mirror path -> real URL
        for name in names:
            html, truth = real_page(name)
            path = urlsplit(truth["url"]).path
            self.pages[path] = html.decode("utf-8")
            self.urls[path] = truth["url"].split("?")[0]

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        path = urlsplit(path_and_query).path
        paths = sorted(self.pages)
        if path == "/de/article-sitemap.xml":
            return make_response(Page(200, XML, _urlset(base_url, paths[:1]), FIXED_DATE), base_url)
        if path == "/de/news-sitemap.xml":
            return make_response(Page(200, XML, _urlset(base_url, paths[1:]), FIXED_DATE), base_url)
        if path in self.pages:
            return make_response(Page(200, HTML, self.pages[path], FIXED_DATE), base_url)
        return make_response(Page(404, HTML, "<p>Not here.</p>", FIXED_DATE), base_url)


def _urlset(base_url: str, paths: list[str]) -> str:
    locs = "".join(f"<url><loc>{base_url}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


def test_a_mirror_of_the_german_edition_crawls_into_the_archive(tmp_path: Path) -> None:
    mirror = DwMirror([OLDER, REACT])
    db = tmp_path / "dw.db"
    with DemoServer(mirror) as server:  # type: ignore[arg-type]
        result = run_newsbot(
            "crawl", "dw", "--base-url", server.base_url, "--editions", "de",
            "--archive", str(db), "--quiet",
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with Archive.open(db, readonly=True) as archive:
        articles = {a["canonical_url"]: a for a in archive.articles.iter(site="dw")}
        assert set(articles) == set(mirror.urls.values())
        react = articles[
            mirror.urls["/de/post-vac-syndrom-nach-covid-19-impfung-was-wissen-wir/a-65897191"]
        ]
        assert react["title"] == "Post-Vac-Syndrom nach COVID-19-Impfung: Was wissen wir?"
        assert react["language"] == "de"
        for url in articles:
            targets = [row["target_url"] for row in archive.graph.links_from(url)]
            assert targets, url
            assert all(t.startswith("https://www.dw.com/") for t in targets), url
