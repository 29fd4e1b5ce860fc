"""The bottom of every page: footer (site map, programmes, social links, services, editions)
and the hamburger menu. Every site link points at a page the demo serves or at a fragment of the
edition home."""

from __future__ import annotations

from newsbot.demo.chrome import card_state, section_path
from newsbot.demo.filler import SOCIAL, social_icon
from newsbot.demo.labels import LABELS, labels, section_label
from newsbot.demo.model import EditionView, attr_json, esc, programme_label, url

#: Programmes of each vertical, as the menus and the footer list them (names are not translated).
PROGRAMMES: dict[str, tuple[str, ...]] = {
    "my-europe": (
        "europe-today", "state-of-the-union", "brussels-briefing", "the-europe-conversation",
        "euroviews", "eu-decoded", "road-to-the-elections", "inside-the-parliament",
    ),
    "news": (
        "world", "europe", "the-cube", "no-comment", "just-in", "in-depth", "the-big-question",
        "insiders",
    ),
    "business": (
        "business-news", "the-exchange", "markets", "focus", "real-economy", "start-up-stories",
    ),
    "green": ("green-news", "climate-now", "ocean", "smart-regions", "water-matters", "eco-cities"),
    "next": ("tech-news", "futuris", "hi-tech", "space", "ai-explained", "digital-life"),
    "health": ("health-news", "healthcare-in-europe", "medical-frontiers", "wellness"),
    "travel": ("travel-news", "explore", "adventures", "taste", "city-guides", "postcards"),
    "culture": ("culture-news", "cinema", "music", "museums", "books", "the-art-show", "fashion"),
}  # fmt: skip


def _links(items: list[tuple[str, str]], css: str) -> str:
    return "".join(
        f'<li><a class="{css}" href="{href}">{esc(text)}</a></li>' for text, href in items
    )


def footer(ev: EditionView) -> str:
    lab = labels(ev.language)
    home = url(f"/{ev.code}/")
    item = "c-footer-sitemap__list-item"

    def column(heading: str, items: list[tuple[str, str]]) -> str:
        return (
            f'<div class="c-footer-sitemap__list"><span class="c-footer-sitemap__list-heading">'
            f'{esc(heading)}</span><ul class="c-footer-sitemap__list-fold">'
            f"{_links(items, item)}</ul></div>"
        )

    themes = [(label, url(section_path(ev.code, v))) for v, label in lab.sections]
    tags = [(t, url(p)) for t, p in ev.trending]
    editions = "".join(
        f'<li><a class="{item}" hreflang="{e}" href="{url(p)}">{esc(LABELS[e].language_name)}'
        "</a></li>"
        for e, p in ev.home_paths.items()
    )
    year = max((c.published.year for c in ev.latest), default=2026)
    columns = "".join(
        column(section_label(ev.language, v), [(c.title, url(c.path)) for c in cards])
        for v, cards in ev.by_vertical.items()
    )
    programmes = "".join(
        column(
            section_label(ev.language, v),
            [(programme_label(p), f"{home}#programme-{p}") for p in slugs],
        )
        for v, slugs in PROGRAMMES.items()
    )
    social = "".join(
        f'<li class="c-social-list__item"><a class="c-social-list__link c-social-list__link--'
        f'{name}" href="{href}" target="_blank" rel="noopener noreferrer" '
        f'aria-label="{name}">{social_icon(name)}</a></li>'
        for name, href in SOCIAL
    )
    services = [(text, f"{home}#service-{i}") for i, text in enumerate(lab.services, 1)]
    return (
        '<footer class="c-footer enw-site-footer" id="enw-footer">'
        '<section class="c-footer-social"><div class="o-template-footer">'
        f'<span class="c-footer-social__title">{esc(lab.follow_us)}</span>'
        f'<ul class="c-social-list u-display-flex">{social}</ul></div></section>'
        '<section class="c-footer-sitemap"><div class="o-template-footer">'
        f"{column(lab.categories, themes)}{column(lab.trending, tags)}"
        '<div class="c-footer-sitemap__list"><span class="c-footer-sitemap__list-heading">'
        f'Editions</span><ul class="c-footer-sitemap__list-fold">{editions}</ul></div>'
        f"{columns}</div></section>"
        '<section class="c-footer-programmes"><div class="o-template-footer">'
        f"{programmes}</div></section>"
        '<section class="c-footer-services"><div class="o-template-footer">'
        f'<ul class="c-footer-services__list">{_links(services, "c-footer-services__link")}</ul>'
        '<div class="c-footer-apps"><a class="c-footer-apps__link" href="' + home + '#apps">'
        '<img src="/images/badges/app-store.svg" alt="App Store" width="120" height="40" '
        'loading="lazy"></a><a class="c-footer-apps__link" href="' + home + '#apps">'
        '<img src="/images/badges/google-play.svg" alt="Google Play" width="135" height="40" '
        'loading="lazy"></a></div></div></section>'
        '<div class="c-footer-sitemap__copyright"><div class="c-footer-sitemap__copyright__text">'
        f"© euronews demo {year}</div></div></footer>"
    )


def hamburger(ev: EditionView) -> str:
    lab = labels(ev.language)
    main = "".join(
        f'<a class="c-menu-mobile-list__item" href="{url(section_path(ev.code, v))}">'
        f"{esc(label)}</a>"
        for v, label in lab.sections
    )
    tags = "".join(
        f'<a class="c-tag u-font-size-14" href="{url(p)}">{esc(t)}</a>' for t, p in ev.trending
    )
    options = "".join(
        f'<option value="{url(p)}"{" selected" if e == ev.code else ""}>'
        f"{esc(LABELS[e].language_name)}</option>"
        for e, p in ev.home_paths.items()
    )
    latest = "".join(
        f'<a class="c-menu-mobile-list__item c-menu-mobile-list__item--card" href="{url(c.path)}">'
        f'<img class="c-menu-mobile-list__image" src="{esc(c.image)}" alt="" '
        f'width="160" height="90" loading="lazy"><span>{esc(c.title)}</span></a>'
        for c in ev.latest[:12]
    )
    content = {
        "mainItems": [
            {"url": url(section_path(ev.code, v)), "label": label} for v, label in lab.sections
        ],
        "latest": [card_state(c) for c in ev.latest],
        "tags": [{"url": url(p), "label": t} for t, p in ev.trending],
    }
    return (
        '<aside id="hamburger-menu" class="enw-menu u-hide-for-large">'
        '<div id="hamburger-menu-content" class="enw-hamburger-menu-content" '
        f'data-content="{attr_json(content)}">'
        f'<div class="c-barre-now--mobile"><strong>{esc(lab.trending)}</strong>'
        f'<div class="u-flex-container">{tags}</div></div>'
        f'<div class="c-menu-mobile-list c-menu-mobile-list-main">{main}</div>'
        f'<div class="c-menu-mobile-list c-menu-mobile-list-latest">{latest}</div>'
        '<div class="c-languages__select"><select class="c-languages__select__options '
        f'js-languageSelect">{options}</select></div></div></aside>'
    )
