"""The bottom of every page: footer (site map, programmes, social links, services, editions).
Every site link points at a page the demo serves or at a fragment of the edition home."""

from __future__ import annotations

from newsbot.demo.assets import SOCIAL
from newsbot.demo.chrome import section_path
from newsbot.demo.labels import LABELS, labels, section_label
from newsbot.demo.model import EditionView, esc, url


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
    social = "".join(
        f'<li class="c-social-list__item"><a class="c-social-list__link c-social-list__link--'
        f'{name}" href="{href}" target="_blank" rel="noopener noreferrer" '
        f'aria-label="{name}"><svg class="c-social-icon" width="24" height="24" aria-hidden="true">'
        f'<use href="#icon-{name}"/></svg></a></li>'
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
