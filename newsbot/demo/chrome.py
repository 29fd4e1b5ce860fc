"""Shared page chrome: <head> blocks, site headers with mega menu and language switcher,
the aside (top stories, most read).

Every link of the chrome points at a page the demo serves (edition homes, sections, tag pages,
articles) or at a fragment of the edition home.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsbot.demo.assets import (
    ICONS,
    PRECONNECT,
    SCRIPTS,
    STYLESHEETS_2024,
    STYLESHEETS_2026,
    asset,
    srcset,
)
from newsbot.demo.labels import LABELS, labels
from newsbot.demo.model import Card, EditionView, esc, url

EDITIONS = ("en", "de", "fr")
_ICON_SIZES = ("57x57", "60x60", "72x72", "76x76", "114x114", "120x120", "144x144", "152x152")


def section_path(edition: str, vertical: str) -> str:
    """Where a vertical's menu entry leads: a section listing or an anchor of the home page."""
    if vertical in ("", "news", "my-europe"):
        return f"/{edition}/news/europe"
    if vertical == "culture":
        return f"/{edition}/culture"
    return f"/{edition}/#section-{vertical}"


RTL_LANGUAGES = ("ar", "fa")


def document(language: str, head: str, body_class: str, body: str) -> str:
    """A whole page: doctype, <html> with language and direction, head, body."""
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n<head>\n'
        f'<meta charset="UTF-8">\n{head}\n</head>\n<body class="{body_class}">\n'
        f"{body}\n</body>\n</html>\n"
    )


def head_assets(template: int) -> str:
    """Icons, app metas, preconnects, stylesheets and preloads."""
    out = [
        f'<link rel="apple-touch-icon" sizes="{s}" href="/apple-touch-icon-{s}.png">'
        for s in _ICON_SIZES
    ]
    out += [
        '<link rel="icon" type="image/png" sizes="32x32" href="/favicon-32x32.png">',
        '<link rel="icon" href="/favicon.ico">',
        '<link rel="manifest" href="/manifest.json">',
        '<meta name="theme-color" content="#ffffff">',
        '<meta name="application-name" content="Euronews.com">',
        '<meta name="viewport" content="width=device-width, minimum-scale=1, initial-scale=1">',
    ]
    out += [f'<link rel="preconnect" href="{h}">' for h in PRECONNECT]
    sheets = STYLESHEETS_2024 if template == 2024 else STYLESHEETS_2026
    out += [f'<link rel="preload" as="style" href="{asset(s)}">' for s in sheets[:4]]
    out += [f'<link rel="stylesheet" href="{asset(s)}">' for s in sheets]
    out += [f'<link rel="preload" as="script" href="{asset(s)}">' for s in SCRIPTS]
    return "\n".join(out)


def language_switcher(current: str, alternates: Sequence[tuple[str, str]]) -> str:
    items = []
    for i, (lang, path) in enumerate(alternates, 1):
        active = " c-language-switcher__list__item--active" if lang == current else ""
        items.append(
            f'<li id="menu-item-{i}" class="u-position-relative">'
            f'<a class="js-alternateLink c-language-switcher__list__item{active}" '
            f'hreflang="{lang}" href="{url(path)}">'
            f"<b>{esc(LABELS[lang].language_name)}</b></a></li>"
        )
    return (
        '<div id="adb-header-language-switcher" class="c-language-switcher">'
        '<input id="c-language-switcher-list-open" class="u-display-none" type="checkbox">'
        f'<label id="btn-language-switcher" class="c-language-switcher__btn">{ICONS["language"]}'
        f"<span>{esc(LABELS[current].language_name)}</span></label>"
        f'<ul id="menu-language-switcher" class="c-language-switcher__list">{"".join(items)}</ul>'
        "</div>"
    )


def media_object(c: Card, block: str, pos: int, title_tag: str = "div") -> str:
    """A ``the-media-object`` card: picture, programme label, title link."""
    icon = '<span class="c-icon-video the-media-object__icon"></span>' if c.video else ""
    aid = f"abe-{c.story}-{c.language}-pos{pos}-{block}"
    return (
        f'<article id="{aid}" class="the-media-object m-modeMobile-1 m-modeDesktop-1 m-modeXL-1">'
        f'<figure class="the-media-object__figure"><a href="{url(c.path)}" tabindex="-1">'
        f'<img class="the-media-object__image" src="{esc(c.image)}"{srcset(c.image)} '
        f'alt="{esc(c.title)}" width="384" height="216" loading="lazy"></a>{icon}</figure>'
        '<div class="the-media-object__content">'
        f'<a class="the-media-object__metas" data-event="article-label" '
        f'href="{url(c.section_path)}">{esc(c.program)}</a>'
        f'<a class="the-media-object__link" href="{url(c.path)}" aria-label="{esc(c.title)}">'
        f'<{title_tag} class="the-media-object__title">{esc(c.title)}</{title_tag}></a>'
        "</div></article>"
    )


def header_2026(ev: EditionView, alternates: Sequence[tuple[str, str]]) -> str:
    lab = labels(ev.language)
    home = url(f"/{ev.code}/")
    entries = [("latest", lab.latest, home)]
    entries += [(v, label, url(section_path(ev.code, v))) for v, label in lab.sections]
    items = [
        f'<li id="adb-header-mainnav-{n}" class="c-navigation-bar__item '
        f'c-navigation-bar__item--{vertical}"><a class="c-navigation-bar__link" '
        f'href="{href}">{esc(label)}</a></li>'
        for n, (vertical, label, href) in enumerate(entries, 1)
    ]
    return (
        '<nav id="accessibility-bar"><ul id="accessibility-bar__menu">'
        f'<li><a class="accessibility-bar__link" href="#enw-navigation-bar">Navigation</a></li>'
        f'<li><a class="accessibility-bar__link" href="#enw-main-content">Content</a></li>'
        "</ul></nav>"
        '<header class="o-site-hr"><div class="helper-site-row o-site-hr__first-level">'
        '<div class="helper-site-container o-site-hr__first-level__container">'
        f"{language_switcher(ev.language, alternates)}"
        f'<a class="c-header-nav-secondary-link" href="{home}#newsletters">{ICONS["newsletter"]}'
        f'<span class="c-header-nav-secondary-link__text">{esc(lab.newsletters)}</span></a>'
        f'<a class="c-header-nav-secondary-link" href="{url(f"/{ev.code}/news/europe")}">'
        f'{ICONS["video"]}<span class="c-header-nav-secondary-link__text">'
        f"{esc(lab.video)}</span></a>"
        "</div></div>"
        '<input id="c-burger-button-checkbox" class="u-display-none" type="checkbox">'
        '<div class="helper-site-row o-site-hr__second-level">'
        '<div class="helper-site-container o-site-hr__second-level__container">'
        '<div class="o-site-hr__second-level__burger-logo"><label class="c-burger-button" '
        'for="c-burger-button-checkbox"><div class="c-burger-button__bar"></div>'
        '<div class="c-burger-button__bar"></div><div class="c-burger-button__bar"></div></label>'
        f'<div id="adb-header-logo" class="c-logo"><a class="c-logo__link" href="{home}">'
        f"{ICONS['logo']}</a></div></div>"
        '<nav id="enw-navigation-bar" class="c-navigation-bar u-hide-for-mobile-only">'
        f'<ul class="c-navigation-bar__wrappable-list">{"".join(items)}</ul></nav>'
        f'<button class="c-search-button" type="button" aria-label="{esc(lab.search)}">'
        f"{ICONS['search']}</button></div></div></header>"
    )


def aside(ev: EditionView, top: Sequence[Card], most_read: Sequence[Card]) -> str:
    lab = labels(ev.language)
    ad = (
        '<div class="c-ad c-ad-halfpage u-show-for-desktop"><div class="c-ad__adzone advertising '
        'js-adzone"></div><div class="c-ad__placeholder"><span>'
        f"{esc(lab.ad)}</span></div></div>"
    )
    tops = "".join(
        f'<div class="c-top-stories__item">{media_object(c, "top-stories", i, "h3")}</div>'
        for i, c in enumerate(top, 1)
    )
    reads = "".join(
        f'<div class="c-most-read__item"><span class="c-most-read__rank">{i}</span>'
        f'<a class="c-most-read__link" href="{url(c.path)}">{esc(c.title)}</a></div>'
        for i, c in enumerate(most_read, 1)
    )
    return (
        '<aside class="o-article-newsy__aside">'
        f'<div class="c-ad-wrapper o-article-newsy__aside__content-1">{ad}</div>'
        '<div id="adb-article-top-stories" class="c-top-stories">'
        f'<h2 class="c-top-stories__title"><a href="{url(f"/{ev.code}/")}">'
        f"{esc(lab.top_stories)}</a></h2>{tops}</div>"
        f'<div class="c-ad-wrapper o-article-newsy__aside__content-2">{ad}</div>'
        f'<section class="c-most-read"><h2 class="c-most-read__title">{esc(lab.most_read)}</h2>'
        f"{reads}</section></aside>"
    )
