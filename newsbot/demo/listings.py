"""HTML pages other than articles: edition homes, paginated sections, tag pages, video pages,
the "page not found" page and the root index. All in the 2026 chrome.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsbot.demo import chrome, footer, parts
from newsbot.demo.labels import LABELS, labels, section_label
from newsbot.demo.model import ArticleView, Card, EditionView, esc, url

PAGE_SIZE = 8


def listing_head(
    ev: EditionView, title: str, description: str, canonical: str | None, extra: str
) -> str:
    lines = [
        f"<title>{esc(title)} | Euronews</title>",
        f'<meta name="description" content="{esc(description)}">',
    ]
    if canonical:
        lines.append(f'<link rel="canonical" href="{url(canonical)}">')
    lines += [
        f'<meta property="og:locale" content="{labels(ev.language).locale}">',
        '<meta property="og:site_name" content="euronews">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<link rel="alternate" type="application/rss+xml" '
        f'href="{url(f"/{ev.code}/rss")}?level=theme&amp;name=news">',
    ]
    if extra:
        lines.append(extra)
    lines.append(chrome.head_assets(2026))
    return "\n".join(lines)


def listing_page(
    ev: EditionView, head: str, content: str, body_class: str = "is-template-listing"
) -> str:
    alternates = list(ev.home_paths.items())
    body = (
        f"{chrome.header_2026(ev, alternates)}"
        f'<main id="enw-main-content" class="o-site-main">{content}</main>'
        f"{footer.footer(ev)}"
    )
    return chrome.document(ev.language, head, body_class, body)


def card_list(cards: Sequence[Card], block: str) -> str:
    items = "".join(
        f'<div class="c-listing__item">{chrome.media_object(c, block, i, "h3")}</div>'
        for i, c in enumerate(cards, 1)
    )
    return f'<div class="c-listing__list">{items}</div>'


def section_page(
    ev: EditionView, path: str, title: str, cards: Sequence[Card], page: int
) -> str | None:
    """Page ``page`` (1-based) of a section listing, or None past the last page."""
    pages = max(1, -(-len(cards) // PAGE_SIZE))
    if not 1 <= page <= pages:
        return None
    lab = labels(ev.language)

    def href(n: int) -> str:
        return path if n == 1 else f"{path}?p={n}"

    links, nav = [], []
    if page > 1:
        links.append(f'<link rel="prev" href="{url(href(page - 1))}">')
        nav.append(
            f'<a rel="prev" class="c-pagination__link c-pagination__link--prev" '
            f'href="{url(href(page - 1))}">{esc(lab.previous_page)}</a>'
        )
    nav.append(f'<span class="c-pagination__current">{esc(lab.page)} {page} / {pages}</span>')
    if page < pages:
        links.append(f'<link rel="next" href="{url(href(page + 1))}">')
        nav.append(
            f'<a rel="next" class="c-pagination__link c-pagination__link--next" '
            f'href="{url(href(page + 1))}">{esc(lab.next_page)}</a>'
        )
    shown = cards[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    head = listing_head(ev, title, f"{title} – {lab.edition_title}", href(page), "\n".join(links))
    content = (
        f'<section class="o-section c-listing"><h1 class="c-listing__title">{esc(title)}</h1>'
        f"{card_list(shown, 'c-listing')}"
        f'<nav class="c-pagination" aria-label="{esc(lab.page)}">{"".join(nav)}</nav></section>'
    )
    return listing_page(ev, head, content, "is-template-section")


def home_page(ev: EditionView, cards: Sequence[Card]) -> str:
    """Edition home: latest items, one block per vertical, links to the sections."""
    lab = labels(ev.language)
    blocks = []
    for vertical, label in lab.sections:
        vcards = ev.by_vertical.get(vertical, ())
        if not vcards:
            continue
        blocks.append(
            f'<section id="section-{vertical}" class="o-section c-home-block">'
            '<h2 class="c-home-block__title">'
            f'<a href="{url(chrome.section_path(ev.code, vertical))}">'
            f"{esc(label)}</a></h2>{card_list(vcards[:4], f'home-{vertical}')}</section>"
        )
    sections = "".join(
        f'<li><a class="c-home-sections__link" href="{url(p)}">{esc(t)}</a></li>'
        for p, t in (
            (f"/{ev.code}/news/europe", section_label(ev.language, "my-europe")),
            (f"/{ev.code}/culture", section_label(ev.language, "culture")),
        )
    )
    programmes = "".join(
        f'<li id="programme-{slug}">{esc(label)}</li>' for label, slug in ev.programmes
    )
    title = f"Euronews – {lab.edition_title}"
    head = listing_head(ev, title, lab.edition_title, f"/{ev.code}/", "")
    content = (
        f'<h1 class="u-visually-hidden">{esc(title)}</h1>'
        f'<nav class="c-home-sections"><ul>{sections}</ul></nav>'
        f'<section class="o-section c-home-latest"><h2>{esc(lab.latest_stories)}</h2>'
        f"{card_list(cards[:12], 'home-latest')}</section>{''.join(blocks)}"
        f'<section id="newsletters" class="o-section"><h2>{esc(lab.newsletters)}</h2>'
        f'<ul class="c-home-programmes">{programmes}</ul></section>'
    )
    return listing_page(ev, head, content, "is-template-home")


def tag_page(ev: EditionView, label: str, path: str, cards: Sequence[Card]) -> str:
    lab = labels(ev.language)
    title = f"{label}"
    head = listing_head(ev, title, f"{lab.tag}: {label}", path, "")
    content = (
        f'<section class="o-section c-listing c-listing--tag"><h1 class="c-listing__title">'
        f'<span class="c-listing__kicker">{esc(lab.tag)}</span> {esc(label)}</h1>'
        f"{card_list(cards, 'tag')}</section>"
    )
    return listing_page(ev, head, content, "is-template-tag")


def video_page(v: ArticleView, ev: EditionView, path: str) -> str:
    """A short video page: player, teaser, share bar."""
    ver, lab = v.version, labels(v.language)
    head = listing_head(ev, ver.title, ver.teaser[:160], path, "")
    content = (
        '<article class="o-video-page"><header class="o-video-page__header">'
        f'<h1 class="c-video-title">{esc(ver.title)}</h1>{parts.lead_media(v)}</header>'
        f'<p class="c-video-summary">{esc(ver.teaser)}</p>'
        f"{parts.share_bar(v, lab.share_2026, absolute=True)}"
        f"{parts.share_popup(v, lab.share_2026)}"
        f'<p class="c-video-article-link"><a href="{url(v.path)}">{esc(ver.title)}</a></p>'
        "</article>"
    )
    return listing_page(ev, head, content, "is-template-video")


def not_found_page(ev: EditionView) -> str:
    lab = labels(ev.language)
    head = listing_head(ev, lab.not_found_title, lab.not_found_text, None, "")
    head = '<meta name="robots" content="noindex">\n' + head
    content = (
        f'<section class="o-section c-error-page"><h1 class="c-error-page__title">'
        f"{esc(lab.not_found_title)}</h1><p>{esc(lab.not_found_text)}</p>"
        f'<p><a class="c-cta" href="{url(f"/{ev.code}/")}">{esc(lab.back_home)}</a></p>'
        f"{card_list(ev.latest[:4], 'error-latest')}</section>"
    )
    return listing_page(ev, head, content, "is-template-error")


def index_page() -> str:
    """The root of the demo host: a chooser of the three editions."""
    links = "".join(
        f'<li><a hreflang="{e}" href="{url(f"/{e}/")}">{esc(LABELS[e].language_name)}</a></li>'
        for e in chrome.EDITIONS
    )
    head = "<title>Euronews demo</title>\n" + '<meta name="robots" content="noindex">'
    body = f"<main><h1>Euronews demo</h1><ul>{links}</ul></main>"
    return chrome.document("en", head, "is-template-index", body)
