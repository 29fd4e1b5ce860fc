"""The BBC profile (newsbot/sites/bbc.toml), on the BBC's own pages.

One page as bbc.com served it (tests/fixtures/realpages/uk-BBC_2024_08_01), two pages written
for the project (tests/fixtures/sites): a News article with a named reporter, a bulleted list
and a list of links in its body, and a World Service (Mundo) article in the markup of the
World Service's renderer; and a local mirror of the News edition crawled for real from its
front page. Expected values are read off the pages, not the extractor.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, real_page, run_newsbot

from newsbot.archive import Archive
from newsbot.demo.responses import FIXED_DATE, HTML, DemoResponse, Page, make_response
from newsbot.extract import Article, extract_article
from newsbot.sites import load_profile, profile_for_url, split_root
from sitegen import DemoServer

REAL = "uk-BBC_2024_08_01"
SITES = REPO / "tests" / "fixtures" / "sites"
NEWS_PAGE = SITES / "bbc-news-2025-lists.html"
NEWS_URL = "https://www.bbc.com/news/articles/c4gq2kz8rlmo"
MUNDO_PAGE = SITES / "bbc-mundo-2025-simorgh.html"
MUNDO_URL = "https://www.bbc.com/mundo/articles/c8e4lw1yx2zo"
_WORD = re.compile(r"\w+")


def body_f1(article: Article, truth_body: str) -> float:
    """Token F1 of the teaser and text against a truth body (the lead, then the body)."""
    got = Counter(_WORD.findall(f"{article.teaser}\n{article.text}".lower()))
    want = Counter(_WORD.findall(truth_body.lower()))
    common = sum((got & want).values())
    return 2 * common / (sum(got.values()) + sum(want.values())) if common else 0.0


def extract_file(path: Path, url: str) -> Article:
    article = extract_article(path.read_bytes(), url)
    assert isinstance(article, Article), article
    return article


def extract_real() -> tuple[Article, dict[str, str]]:
    html, truth = real_page(REAL)
    article = extract_article(html, truth["url"], captured_at=truth["crawl_date"][:10])
    assert isinstance(article, Article), article
    return article, truth


# --- where the BBC lives ------------------------------------------------------------------


def test_bbc_hosts_are_read_with_the_bbc_profile() -> None:
    for url in (
        "https://www.bbc.com/news/articles/c1d449gmex2o",
        "https://www.bbc.co.uk/news/business-52986863",
        "https://www.bbc.com/mundo/articles/c8e4lw1yx2zo",
    ):
        assert profile_for_url(url).slug == "bbc"


def test_news_and_world_service_editions_live_under_their_paths() -> None:
    profile = load_profile("bbc")
    assert {"news", "news-uk", "mundo", "arabic", "russian", "turkce", "persian"} <= set(
        profile.editions
    )
    assert profile.default_editions == ("news",)
    roots = profile.edition_roots(["news", "news-uk", "mundo", "turkce"])
    assert roots == {
        "news": "https://www.bbc.com/news",
        "news-uk": "https://www.bbc.co.uk/news",
        "mundo": "https://www.bbc.com/mundo",
        "turkce": "https://www.bbc.com/turkce",
    }
    assert split_root("https://www.bbc.com/mundo/articles/c8e4lw1yx2zo", roots) == (
        "mundo",
        "/articles/c8e4lw1yx2zo",
    )
    assert split_root("https://www.bbc.co.uk/news/business-52986863", roots) == (
        "news-uk",
        "/business-52986863",
    )
    assert split_root("https://www.bbc.com/sport/football/articles/c1", roots) is None
    # Discovery starts from each edition's front page.
    assert [roots["mundo"] + p for p in profile.discovery.sections] == ["https://www.bbc.com/mundo"]


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/articles/c1d449gmex2o", True),
        ("/news/articles/c1d449gmex2o", True),
        ("/news/explainers-63159607", True),
        ("/news/uk-england-coventry-warwickshire-68411235", True),
        ("/news/63588631", True),
        ("/mundo/noticias-internacional-63112244", True),
        ("/news/av/world-us-canada-68123456", False),
        ("/news/videos/c3l9k2xwq0eo", False),
        ("/news/live/c0wl3z8pyv9t", False),
        ("/mundo/media-63120001", False),
        ("/news/topics/cgemwggl2net", False),
        ("/mundo/institucional-36400005", False),
        ("/news/world/europe", False),
        ("/news", False),
    ],
)
def test_articles_are_told_from_video_live_and_topic_pages(path: str, is_article: bool) -> None:
    assert load_profile("bbc").is_article_path(path) is is_article


# --- bbc.com/news (a real page) -------------------------------------------------------------


def test_real_page_reads_every_field_it_shows() -> None:
    article, _ = extract_real()
    assert article.site == "bbc"
    assert article.title == "Office for Budget Responsibility: What is the OBR and what does it do?"
    assert article.authors == ["BBC News"]  # the page names no reporter; its JSON-LD the desk
    assert article.published_at == "2022-10-10T13:21:17+00:00"
    assert article.modified_at == "2024-07-30T15:00:54+00:00"
    assert article.language == "en"
    assert article.tags == [
        "Recession",
        "GDP",
        "UK economy",
        "Jeremy Hunt",
        "Office for Budget Responsibility",
    ]
    assert article.canonical_url == "https://www.bbc.com/news/explainers-63159607"
    assert article.image_url == (
        "https://ichef.bbci.co.uk/news/1024/branded_news/20AB/production/"
        "_127036380_gettyimages-841304270-3.jpg"
    )
    # The bold intro is the teaser, and only there.
    assert article.teaser == (
        "The Office for Budget Responsibility (OBR) monitors the UK government's spending plans "
        "and performance."
    )
    assert not article.text.startswith("The Office for Budget Responsibility")
    assert article.captions == [
        "Former PM Liz Truss and her then chancellor Kwasi Kwarteng were criticised for not "
        "working with the OBR"
    ]


def test_real_page_text_is_the_article_and_nothing_around_it() -> None:
    article, truth = extract_real()
    assert body_f1(article, truth["body"]) >= 0.98
    lines = article.text.split("\n\n")
    assert lines[0] == (
        "Twice a year, it releases forecasts on the state of the economy and the public finances."
    )
    assert "What is the OBR and what does it do?" in lines  # a subheading
    assert lines[-1].startswith("It has three members, including the current chair Richard Hughes")
    for furniture in (
        "How the government raises and spends",  # a list of links between paragraphs
        "Can we trust economic forecasts?",
        "criticised for not working with the OBR",  # a caption
        "Getty Images",  # a picture credit
        "Chippy facing constant struggle",  # "Related"
        "Interest rates cut",  # "More"
        "Recession",  # a tag
    ):
        assert furniture not in article.text, furniture


def test_real_page_links_its_related_stories() -> None:
    article, _ = extract_real()
    by_kind: dict[str, list[str]] = {}
    for link in article.links:
        by_kind.setdefault(link.kind, []).append(link.url)
    assert by_kind["related"] == [
        "https://www.bbc.com/news/articles/c1d449gmex2o",
        "https://www.bbc.com/news/business-52986863",
        "https://www.bbc.com/news/business-68550259",
    ]
    assert {link.label for link in article.links if link.kind == "related"} == {"Related"}
    assert by_kind["inline-related"] == [
        "https://www.bbc.co.uk/news/business-45814459",
        "https://www.bbc.co.uk/news/business-68359756",
        "https://www.bbc.co.uk/news/business-67554929",
        "https://www.bbc.co.uk/news/63588631",
        "https://www.bbc.co.uk/news/business-66897881",
    ]
    assert by_kind["translation"] == ["https://www.bbc.co.uk/news/explainers-63159607"]


# --- bbc.com/news (a page written for the project) -------------------------------------------


def test_a_reporters_article_names_the_reporter() -> None:
    article = extract_file(NEWS_PAGE, NEWS_URL)
    assert article.authors == ["Harriet Oduya"]
    assert article.published_at == "2025-05-20T05:12:44+00:00"
    assert article.tags == ["Canals", "Warwickshire"]
    assert article.captions == ["Boats waiting below the bottom lock on Sunday afternoon"]
    assert article.teaser.startswith("Boaters on the Oxford Canal are waiting up to five hours")
    assert "Transport correspondent" not in article.text


def test_a_bulleted_list_is_text_and_a_list_of_links_is_not() -> None:
    article = extract_file(NEWS_PAGE, NEWS_URL)
    lines = [line.lstrip("-• ") for line in article.text.split("\n\n")]
    assert "The locks open from 10:00 to 15:00 only" in lines
    assert "Lock keepers may hold boats back if the water level drops further" in lines
    assert "Reservoirs at record low after dry winter" not in article.text
    assert "Watch: a narrowboat crew" not in article.text  # a video block's caption
    inline_related = [link.url for link in article.links if link.kind == "inline-related"]
    assert inline_related == [
        "https://www.bbc.co.uk/news/articles/c9x1mplq7k2o",
        "https://www.bbc.co.uk/news/uk-england-coventry-warwickshire-68411235",
    ]
    related = [link.url for link in article.links if link.kind == "related"]
    # A related video is a link of the graph, never an article to extract.
    assert related == [
        "https://www.bbc.com/news/articles/c7rr1d0kvz3o",
        "https://www.bbc.com/news/videos/c3l9k2xwq0eo",
    ]
    assert not extract_article(
        NEWS_PAGE.read_bytes(), "https://www.bbc.com/news/videos/c3l9k2xwq0eo"
    )


# --- a World Service edition (a page written for the project) --------------------------------


def test_a_world_service_article_reads_its_fields() -> None:
    article = extract_file(MUNDO_PAGE, MUNDO_URL)
    assert article.site == "bbc"
    assert article.title == "El pueblo que cambió sus relojes por campanas"
    assert article.authors == ["Lucía Ferrándiz"]
    assert article.published_at == "2025-02-03T09:00:00+00:00"
    assert article.language == "es"
    assert article.tags == ["Sociedad", "España"]
    assert article.canonical_url == MUNDO_URL


def test_a_world_service_article_text_leaves_its_furniture_out() -> None:
    article = extract_file(MUNDO_PAGE, MUNDO_URL)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("En Villar de Sobrepeña, un pueblo de ochenta vecinos")
    assert "Una hora que se oye en todo el valle" in paragraphs  # a subheading
    assert paragraphs[-1].endswith("Ya hay una lista de voluntarios para hacerlo.")
    assert len(paragraphs) == 6
    for furniture in (
        "El pueblo que cambió sus relojes por campanas",  # the headline
        "Lucía Ferrándiz",  # the byline box
        "3 febrero 2025",
        "con el reloj ya reparado",  # a caption
        "Archivo vecinal",  # its credit
        "Los oficios que vuelven a los pueblos",  # a story promo between paragraphs
        "El último campanero de Castilla",  # related content
        "Una noticia muy leída",
    ):
        assert furniture not in article.text, furniture


def test_a_world_service_article_links_its_promos_and_related_content() -> None:
    article = extract_file(MUNDO_PAGE, MUNDO_URL)
    links = [(link.kind, link.url, link.label) for link in article.links if "related" in link.kind]
    assert links == [
        (
            "related",
            "https://www.bbc.com/mundo/noticias-internacional-63112244",
            "Contenido relacionado",
        ),
        ("related", "https://www.bbc.com/mundo/media-63120001", "Contenido relacionado"),
        ("inline-related", "https://www.bbc.com/mundo/articles/c1z0lq9yy8po", ""),
        ("inline-related", "https://www.bbc.com/mundo/noticias-64318250", ""),
    ]


def test_a_world_service_caption_is_read() -> None:
    article = extract_file(MUNDO_PAGE, MUNDO_URL)
    assert article.captions == ["La torre de la iglesia, con el reloj ya reparado, en diciembre"]


# --- a local mirror of bbc.com/news, crawled for real ------------------------------------------

FRONT_PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Home - BBC News</title></head>
<body><main id="main-content"><h1>BBC News</h1>
<a href="/news/explainers-63159607"><h2>What is the OBR and what does it do?</h2></a>
<a href="/news/topics/cgemwggl2net">Recession</a>
<a href="/news/videos/c3l9k2xwq0eo"><h2>Watch: a lock flight from above</h2></a>
</main></body></html>"""


class NewsMirror:
    """The News edition of bbc.com on this server, under ``/news``: a front page of the
    project's own linking the real page (root-relative, as bbc.com writes its links)."""

    def __init__(self) -> None:
        html, _ = real_page(REAL)
        self.article = html.decode("utf-8")

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        path = path_and_query.split("?")[0]
        if path == "/news":
            return make_response(Page(200, HTML, FRONT_PAGE, FIXED_DATE), base_url)
        if path == "/news/explainers-63159607":
            return make_response(Page(200, HTML, self.article, FIXED_DATE), base_url)
        return make_response(Page(404, HTML, "<p>Not here.</p>", FIXED_DATE), base_url)


def test_a_mirror_of_the_news_edition_crawls_from_its_front_page(tmp_path: Path) -> None:
    db = tmp_path / "bbc.db"
    with DemoServer(NewsMirror()) as server:  # type: ignore[arg-type]
        result = run_newsbot(
            "crawl", "bbc", "--base-url", server.base_url, "--editions", "news",
            "--archive", str(db), "--quiet",
        )  # fmt: skip
        asked = [path for _, path in server.requests]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/news/videos/c3l9k2xwq0eo" not in asked  # a video page is not fetched
    with Archive.open(db, readonly=True) as archive:
        articles = list(archive.articles.iter(site="bbc"))
        assert [a["canonical_url"] for a in articles] == [
            "https://www.bbc.com/news/explainers-63159607"
        ]
        targets = [
            row["target_url"] for row in archive.graph.links_from(articles[0]["canonical_url"])
        ]
        assert "https://www.bbc.com/news/business-52986863" in targets
        assert not [t for t in targets if "127.0.0.1" in t]
