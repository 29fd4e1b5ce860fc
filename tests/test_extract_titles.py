"""The headline of a page whose head names several: the one the page shows its readers.

Many news sites write one headline for search engines (the JSON-LD headline, <title>, often
repeated in an <h1> inside the breadcrumbs) and show another over the article, the one they
also share (og:title). Others share a headline worded for social media and show the one in
their JSON-LD. Small pages written here show each markup pattern; real pages
(tests/fixtures/realpages) are checked against their independent truth.
"""

from __future__ import annotations

import pytest
from conftest import real_page

from newsbot.extract import Article, extract_article

URL = "https://courier.example/politics/2026/03/harbour-vote"
BODY = "".join(
    f"<p>{p}</p>"
    for p in (
        "The council voted on Tuesday evening to close the old harbour to cargo ships from "
        "next spring, ending two centuries of trade at the quay.",
        "Fishing boats and ferries may still use the inner basin, the harbour master said, "
        "but the outer wall will be rebuilt as a promenade with a cycle path.",
        "Dock workers protested outside the town hall during the vote and their union said "
        "it would ask the regional court to review the decision before the summer.",
    )
)


def page(head: str, header: str, *, aside: str = "") -> bytes:
    """An article page with ``head`` in its head and ``header`` over the body."""
    return (
        "<html lang='en'><head><meta charset='utf-8'>"
        "<meta property='og:type' content='article'>"
        "<meta property='og:site_name' content='The Courier'>"
        f"{head}</head><body>"
        "<nav class='breadcrumbs'><ol><li><a href='/'>Home</a></li><li><a href='/politics'>"
        "Politics</a></li><li><h1>Council votes to close harbour to cargo ships from spring</h1>"
        f"</li></ol></nav><main><article><header>{header}</header>{BODY}</article>{aside}"
        "</main></body></html>"
    ).encode()


SEO_HEAD = (
    "<title>Council votes to close harbour to cargo ships from spring | The Courier</title>"
    '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": '
    '"Council votes to close harbour to cargo ships from spring"}</script>'
)


def title(html: bytes) -> str:
    article = extract_article(html, URL)
    assert isinstance(article, Article), article
    return article.title


def test_the_headline_shown_over_the_article_beats_one_written_for_search_engines() -> None:
    # The SEO headline sits in <title>, the JSON-LD and a breadcrumb's <h1>; the article's
    # own heading (an <h2> here, as on many sites whose <h1> is in the breadcrumbs) shows
    # the headline the page also shares.
    html = page(
        SEO_HEAD + "<meta property='og:title' content='Last ships leave the old harbour'>",
        "<h2><span class='kicker'>Town council</span>"
        "<span class='headline'>Last ships leave the old harbour</span></h2>",
    )
    assert title(html) == "Last ships leave the old harbour"


def test_a_kicker_shown_right_above_the_headline_stays_with_it() -> None:
    html = page(
        SEO_HEAD.replace("Council votes to close harbour to cargo ships from spring", "x")
        + "<meta property='og:title' content='Harbour vote: Last ships leave the quay'>",
        "<div class='overline'><span class='issue'>Print edition, page 1</span>"
        "<div>Harbour vote</div></div><h1>Last ships leave the quay</h1>",
    )
    assert title(html) == "Harbour vote: Last ships leave the quay"


def test_a_headline_worded_for_sharing_that_the_page_does_not_show_is_not_taken() -> None:
    html = page(
        SEO_HEAD + "<meta property='og:title' content='You will not believe what the council "
        "just did to our harbour'>",
        "<h1>Council votes to close harbour to cargo ships from spring</h1>",
    )
    assert title(html) == "Council votes to close harbour to cargo ships from spring"


def test_a_headline_shown_only_in_a_list_of_other_articles_does_not_count() -> None:
    # The shared headline appears as a teaser's heading in a list of links (the page
    # promoting itself, or another article worded alike): that is no headline over the
    # article.
    html = page(
        SEO_HEAD + "<meta property='og:title' content='Last ships leave the old harbour'>",
        "<p class='date'>3 March 2026</p>",
        aside="<aside><ul><li><a href='/x'><h2>Last ships leave the old harbour</h2></a></li>"
        "</ul></aside>",
    )
    assert title(html) == "Council votes to close harbour to cargo ships from spring"


def test_the_same_headline_keeps_the_spelling_of_the_most_trusted_source() -> None:
    # og:title and the JSON-LD differ only in their quotes: the wording is the same, and
    # the JSON-LD's spelling is kept, as before.
    html = page(
        SEO_HEAD.replace("close harbour", "close ‘old’ harbour")
        + "<meta property='og:title' content=\"Council votes to close 'old' harbour to cargo "
        'ships from spring">',
        "<h1>Council votes to close ‘old’ harbour to cargo ships from spring</h1>",
    )
    assert title(html) == "Council votes to close ‘old’ harbour to cargo ships from spring"


def test_a_meta_tag_named_headline_is_read_like_the_json_ld_headline() -> None:
    html = page(
        "<meta name='headline' content='Last ships leave the old harbour'>"
        "<meta property='og:title' content='Last ships leave the old harbour-Politicsㅣ"
        "The Courier'>",
        "<p class='date'>3 March 2026</p>",
    )
    assert title(html) == "Last ships leave the old harbour"


@pytest.mark.parametrize(
    "name",
    [
        # The SEO headline in the JSON-LD and a breadcrumb <h1>; og:title shown in an <h2>.
        "de-Stern_2023_04_28",
        "de-Stern_2024_11_05",
        "de-NTV_2024_08_05",
        "ch-TagesAnzeiger_2026_05_18",
        "de-Kicker_2024_04_26",
        # The kicker in its own element right above the <h1>, joined to it in og:title.
        "de-JungeWelt_2024_04_26",
        "de-JungeWelt_2026_05_18",
        # og:title worded for sharing; the JSON-LD headline is the one shown.
        "de-HamburgerAbendblatt_2025_09_09",
        "kr-HankookIlbo_2025_05_15",
    ],
)
def test_real_pages_get_the_headline_they_show(name: str) -> None:
    html, truth = real_page(name)
    article = extract_article(html, str(truth["url"]))
    assert isinstance(article, Article), article
    assert " ".join(article.title.split()) == " ".join(str(truth["title"]).split())
