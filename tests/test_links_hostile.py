"""Links nobody should follow: dropped or normalised, counted, never an exception."""

from __future__ import annotations

from pathlib import Path

from newsbot.extract import Article, extract_page

URL = "https://de.euronews.com/2026/03/02/eine-geschichte"
LONG = "https://de.euronews.com/2026/03/02/" + "x" * 10_000
HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:void(0)",
    "mailto:redaktion@example.org",
    "data:text/html;base64,PGI+aGk8L2I+",
    "",
    "   ",
    "http://[::1",
    "https://de.euronews.com:99999/2026/03/02/bad-port",
    LONG,
    "tel:+49301234567",
]


def page() -> bytes:
    item = (
        '<div class="c-article-you-might-also-like__item"><h3><a href="{}">Item {}</a></h3></div>'
    )
    related = "".join(
        item.format(href, i)
        for i, href in enumerate(
            [*HOSTILE, "https://bücher.euronews.com/2026/03/01/ein-buch?utm_source=x#top"]
        )
    )
    inline = "".join(f'<a href="{href}">Link {i}</a> ' for i, href in enumerate(HOSTILE))
    return (
        '<html lang="de"><head><meta charset="utf-8"><title>Titel | Euronews</title>'
        '<meta property="og:type" content="article">'
        '<link rel="alternate" hreflang="en" href="javascript:alert(2)">'
        '<link rel="alternate" hreflang="fr" href="https://fr.euronews.com/2026/03/02/une-histoire">'
        '</head><body><div class="o-article-newsy__main"><h1 class="c-article-redesign-title">'
        'Ein Titel</h1><div class="c-article-content"><p>Ein Absatz mit genug Text, damit die '
        f"Seite als Artikel gilt, und mit Links: {inline}am Ende des Satzes.</p></div>"
        '<div class="c-article-you-might-also-like">'
        '<h2 class="c-article-you-might-also-like__title">'
        f"Zum selben Thema</h2>{related}</div></div></body></html>"
    ).encode()


def test_hostile_hrefs_are_dropped_counted_and_idn_normalised() -> None:
    extraction = extract_page(page(), URL, "euronews")
    article = extraction.result
    assert isinstance(article, Article)
    assert [(link.kind, link.url) for link in article.links] == [
        ("related", "https://xn--bcher-kva.euronews.com/2026/03/01/ein-buch"),
        ("translation", "https://fr.euronews.com/2026/03/02/une-histoire"),
    ]
    # Every hostile href of the related block, the inline ones and the javascript: alternate.
    assert extraction.dropped_links["bad_url"] == 2 * len(HOSTILE) + 1
    assert "Link 0" in article.text  # the anchor text stays text


def test_dropped_links_are_counted_in_the_crawl_stats(tmp_path: Path) -> None:
    from test_pipelines import make_crawler, run_pipelines

    from newsbot.items import Capture

    crawler = make_crawler(tmp_path, NEWSBOT_EXTRACT_WORKERS=-1)
    capture = Capture(
        url=URL,
        final_url=URL,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=page(),
        fetched_at="2026-03-02T10:00:00+00:00",
        site="euronews",
        kind="article",
    )
    (item,) = run_pipelines(crawler, [capture])
    assert item.article is not None
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsbot/links/dropped/bad_url") == 2 * len(HOSTILE) + 1
