"""Extraction on real pages nobody on the project wrote (tests/fixtures/realpages, Fundus's test
data with its own truth): each fault the generic profile had, on a page that shows it.

Expected values are the pages' independent truth (truth.json) or read off the page by a person;
never the extractor's own output. Listings and home pages (tests/fixtures/listings, written for
the project in the shapes real sites use) must still be refused.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, real_page

from newsbot.extract import Article, NotArticle, extract_article, extract_page
from newsbot.extract.dates import DAY, LOCAL, ZONED, most_precise, parse_date
from newsbot.sites import use_profile_dirs

LISTINGS = REPO / "tests" / "fixtures" / "listings"
_WORD = re.compile(r"\w+")


def read(name: str, site: str | None = None) -> tuple[Article, dict[str, object]]:
    page, truth = real_page(name)
    article = extract_article(page, str(truth["url"]), site)
    assert isinstance(article, Article), f"{name}: {article}"
    return article, truth


def body_f1(article: Article, truth: dict[str, object]) -> float:
    """Token F1 of standfirst and text against the truth's body (as realpages_score counts)."""
    got = Counter(_WORD.findall(f"{article.teaser}\n{article.text}".lower()))
    want = Counter(_WORD.findall(str(truth["body"]).lower()))
    common = sum((got & want).values())
    return 2 * common / (sum(got.values()) + sum(want.values())) if common else 0.0


# --- real articles that were refused ------------------------------------------------------


def test_an_article_with_no_sign_but_a_body_of_prose_is_read() -> None:
    # Deutsche Welle's older template: no og:type, no JSON-LD, no publication time in the head.
    article, truth = read("de-DW_2023_04_28", "generic")
    assert body_f1(article, truth) > 0.95


def test_head_tags_the_parser_moved_into_the_body_are_read() -> None:
    page, truth = real_page("uk-Nature_2025_11_04")
    # An <img> in the head, as some sites write: the parser closes the head there, and every
    # tag after it (og:type, og:image, the canonical link) lands in the body.
    moved = page.replace(b"<head>", b'<head>\n<img src="/pixel.gif" alt="">', 1)
    article = extract_article(moved, str(truth["url"]))
    assert isinstance(article, Article), article
    assert article.image_url == (
        "https://media.nature.com/lw1200/magazine-assets/d41586-025-03571-x/"
        "d41586-025-03571-x_51634582.jpg"
    )
    assert article.canonical_url == "https://www.nature.com/articles/d41586-025-03571-x"


def test_an_article_calling_itself_a_website_is_read() -> None:
    page, truth = real_page("at-DerStandard_2024_05_03")
    assert b'og:type" content="website"' in page
    # Without its JSON-LD the page says it is a "website" and nothing else: its body decides.
    stripped = re.sub(rb'<script type="application/ld\+json">.*?</script>', b"", page, flags=re.S)
    article = extract_article(stripped, str(truth["url"]))
    assert isinstance(article, Article), article
    assert body_f1(article, truth) > 0.95


@pytest.mark.parametrize("name", sorted(p.name for p in LISTINGS.glob("*.html")))
def test_listings_and_home_pages_are_still_refused(name: str) -> None:
    page = (LISTINGS / name).read_bytes()
    result = extract_article(page, "https://courier.example/section/", "generic")
    assert isinstance(result, NotArticle), f"{name} read as an article"


# --- what the text holds ------------------------------------------------------------------


def test_a_page_declaring_latin_1_that_is_utf_8_reads_right() -> None:
    page, _ = real_page("de-WinFuture_2024_04_29")
    assert b"charset=iso-8859-1" in page[:2000]
    article, truth = read("de-WinFuture_2024_04_29")
    assert article.title == truth["title"]
    assert "für" in article.text and "Ã" not in article.text


@pytest.mark.parametrize(
    ("name", "lead"),
    [
        # The lead paragraph is the meta description word for word.
        ("de-MitteldeutscheZeitung_2024_04_30", "Der Tod der jungen Nika Schakarami"),
        ("be-Nieuwsblad_2025_02_02", "Annelies Verlinden (46) maakt voor CD&V opnieuw"),
    ],
)
def test_the_lead_paragraph_stays_in_the_text(name: str, lead: str) -> None:
    article, truth = read(name)
    assert lead in article.text
    assert body_f1(article, truth) > 0.98


def test_a_standfirst_shown_apart_from_the_body_is_the_teaser() -> None:
    article, _ = read("uk-TheGuardian_2024_02_24")
    standfirst = "Police in Spanish city continue to search debris after blaze"
    assert article.teaser.startswith(standfirst)
    assert standfirst not in article.text


def test_a_description_no_element_shows_is_no_teaser() -> None:
    article, truth = read("us-WashingtonTimes_2023_04_28")
    assert article.teaser == ""
    assert str(truth["body"]).split("\n")[0][:60] in article.text


def test_the_headline_with_its_kicker_leaves_the_top_of_the_text() -> None:
    article, _ = read("de-SpiegelOnline_2023_04_28")
    first = article.text.split("\n\n")[0]
    assert "räumt Versäumnisse bei Aufsicht ein" not in first


def test_lists_of_links_to_other_articles_leave_the_text() -> None:
    article, truth = read("de-TOnline_2026_04_15")
    assert "Alle Entwicklungen im Newsblog" not in article.text
    assert body_f1(article, truth) > 0.95


def test_read_also_lines_are_inline_related_links_not_text() -> None:
    article, _ = read("no-Nettavisen_2024_10_16")
    assert "Les også" not in article.text
    boxes = [link for link in article.links if link.kind == "inline-related"]
    assert [link.label for link in boxes] == ["Les også"] * 3
    assert boxes[0].anchor_text.startswith("Tone Damli ofret musikkarrieren for barna")


# --- metadata -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        # Entities the page escaped twice (&amp;uuml;, &amp;#8217;).
        (
            "de-StuttgarterZeitung_2025_10_25",
            "Rückbau von Atomkraftwerk - Kühltürme von AKW Gundremmingen gesprengt",
        ),
        (
            "us-RollingStone_2024_04_25",
            "Donna Kelce Calls Taylor Swift’s ‘The Tortured Poets Department’ Her ‘Best Work’",
        ),
        # The site's name after the headline, as the page names its site.
        ("tr-NTVTR_2025_11_10", '"Pos tefeciliği" soruşturması: 4 şüpheli tutuklandı'),
        ("tw-TaipeiTimes_2024_10_15", "US, Manila launch war games after PRC’s Taiwan drills"),
        ("na-TheNamibian_2023_11_16", "Nam, SA Green hydrogen pipeline flagged"),
        ("it-Tageszeitung_2025_04_16", "„Unermüdlicher Einsatz“"),
        # A kicker before a colon that another title of the page leaves out.
        ("de-NTV_2023_04_28", "Judy Lybke, ganz und gar nicht eigenartig"),
    ],
)
def test_titles_without_entities_or_the_sites_name(name: str, title: str) -> None:
    article, _ = read(name)
    assert article.title == title


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("de-Krautreporter_2024_08_22", "2024-08-22"),  # only <time datetime> in the article
        ("uk-Nature_2025_11_04", "2025-11-03"),  # Dublin Core, a day without a time
        ("de-NTV_2023_04_28", "2023-04-28"),  # <meta name="date">
        ("it-Tageszeitung_2025_04_16", None),  # the page gives none a reader would trust
    ],
)
def test_the_publication_day(name: str, day: str | None) -> None:
    page, truth = real_page(name)
    article = extract_article(page, str(truth["url"]))
    assert isinstance(article, Article)
    assert (article.published_at or "")[:10] == (day or "")


def test_a_local_time_is_kept_without_a_zone_the_page_did_not_give() -> None:
    article, _ = read("us-WashingtonTimes_2023_04_28")
    # The JSON-LD says 2023-04-28T13:53:25 (no zone); an analytics tag gives the same time in UTC.
    assert article.published_at == "2023-04-28T13:53:25+00:00"


@pytest.mark.parametrize(
    ("name", "authors"),
    [
        (
            "at-DerStandard_2024_05_03",
            ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"],
        ),
        ("uk-Nature_2026_02_07", ["Rachel Brazil"]),  # dc.creator "Brazil, Rachel"
        (
            "za-DailyMaverick_2026_01_06",
            ["Mamokete Modiba", "Claire Benit-Gbaffou", "Sarah Charlton", "Tanya Zack"],
        ),
        ("de-Stern_2024_11_05", ["Jemima Kelly"]),  # JSON-LD credits only the publisher
        ("uk-TheMirror_2024_04_28", ["Emma Mackenzie"]),  # beside a link and a slug
    ],
)
def test_authors(name: str, authors: list[str]) -> None:
    article, truth = read(name)
    assert article.authors == authors == truth["authors"]


# --- rules that must not empty an article, live blogs ---------------------------------------

GREEDY = """
slug = "greedy"
domains = ["dw.com"]
[urls]
article = '/a-\\d+$'
[selectors]
body = ["div.longText"]
[furniture]
# A rule gone wrong: it names the element that holds the whole article.
prune = ["div.longText", "div.col3"]
"""


def test_a_furniture_rule_that_would_empty_the_article_is_spared(tmp_path: Path) -> None:
    (tmp_path / "greedy.toml").write_text(GREEDY, encoding="utf-8")
    use_profile_dirs([tmp_path])
    try:
        page, truth = real_page("de-DW_2023_04_28")
        result = extract_page(page, str(truth["url"]), "greedy")
    finally:
        use_profile_dirs(None)
    assert isinstance(result.result, Article), result.result
    assert result.spared >= 1
    assert body_f1(result.result, truth) > 0.9


def test_a_live_blog_is_recorded_as_one_or_read_where_its_profile_says(tmp_path: Path) -> None:
    page, truth = real_page("uk-TheMirror_2024_08_05")
    result = extract_article(page, str(truth["url"]))
    assert isinstance(result, NotArticle) and result.kind == "live_blog"
    (tmp_path / "mirror.toml").write_text(
        'slug = "mirror"\ndomains = ["mirror.co.uk"]\nlive_blogs = "extract"\n'
        "[urls]\narticle = '^/.+'\n",
        encoding="utf-8",
    )
    use_profile_dirs([tmp_path])
    try:
        article = extract_article(page, str(truth["url"]))
    finally:
        use_profile_dirs(None)
    assert isinstance(article, Article) and article.site == "mirror"
    assert body_f1(article, truth) > 0.9


def test_a_live_blog_is_no_error_row() -> None:
    from newsbot.crawl.error_rows import capture_errors
    from newsbot.items import Capture

    def capture(**kw: object) -> Capture:
        return Capture(
            "https://x.example/live",
            "https://x.example/live",
            200,
            [],
            b"",
            "",
            "x",
            kind="article",
            **kw,
        )  # type: ignore[arg-type]

    assert capture_errors(capture(not_article="a live blog", live_blog=True)) == []
    assert capture_errors(capture(not_article="no article text"))[0][1] == "not_article"


# --- dates as pages write them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-28", ("2024-04-28", DAY)),
        ("2023-04-28 18:11:01.0", ("2023-04-28T18:11:01", LOCAL)),
        ("2023-04-28T13:53:25Z", ("2023-04-28T13:53:25+00:00", ZONED)),
        ("28.04.2023", ("2023-04-28", DAY)),
        ("28.04.2023, 18:16 Uhr", ("2023-04-28T18:16:00", LOCAL)),
        ("Fri, 28 Apr 2023 13:53:25 GMT", ("2023-04-28T13:53:25+00:00", ZONED)),
        ("31.02.2023", None),
        ("yesterday", None),
    ],
)
def test_dates_at_the_precision_the_page_gives(
    value: str, expected: tuple[str, int] | None
) -> None:
    assert parse_date(value) == expected


def test_a_time_of_the_same_day_beats_a_more_trusted_day_but_not_another_day() -> None:
    assert most_precise(["2024-04-28", "2024-04-28T10:00:00+02:00"]) == "2024-04-28T10:00:00+02:00"
    assert most_precise(["2024-04-28", "2024-05-02T10:00:00+02:00"]) == "2024-04-28"
