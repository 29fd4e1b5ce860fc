"""The site-wide parts of a real page that the demo site serves without: the inline state and
config scripts, the ad and analytics metas, the hamburger menu. :func:`pad` adds them, with the
generated bulk of :mod:`sitegen.padding`, to pages the extraction fixtures and the benchmark site
serve, so that those are as large and as noisy as the real pages."""

from __future__ import annotations

import re

from newsbot.demo.assets import SCRIPTS, asset, srcset
from newsbot.demo.chrome import media_object, section_path
from newsbot.demo.labels import LABELS, labels, section_label
from newsbot.demo.model import (
    ArticleView,
    Card,
    EditionView,
    attr_json,
    esc,
    js_json,
    programme_label,
    timestamp,
    url,
)
from sitegen.padding import consent_config, feature_store_b64, sprite, utility_css
from sitegen.programmes import PROGRAMMES


def ad_metas(v: ArticleView) -> str:
    """The ad server's and the analytics' metas of an article's <head>."""
    s, ver = v.story, v.version
    section = s.vertical or "news"
    tags = [t.lower().replace(" ", "-") for t in ver.tags]
    key_values = {
        "lng": v.language,
        "page": "article",
        "tags": tags,
        "nws_id": str(s.event_id),
        "nwsctr_id": str(s.story_id),
        "themes": s.theme,
        "video": str(s.video).lower(),
        "vertical": section,
        "program": s.program,
        "source": "euronews",
    }
    unit = f"{v.language}_euronews_demo/{section}/{s.theme}/{s.program}"
    dfp = {"rootId": "6458", "adUnit": unit, "keyValues": key_values, "lazyLoadingOffset": 200}
    adv = {"fullAdUnit": f"/6458/{unit}", "keyValues": key_values, "fetchMarginPercent": 30}
    analytics = {
        "site": {"language": v.language, "environment": "demo", "brand": "euronews"},
        "page": {
            "pagename": f"euronews.{section}.{s.theme}.{s.program}.{s.event_id}.{ver.slug}",
            "pagetype": "article",
            "vertical": section,
            "theme": s.theme,
            "program": s.program,
            "contenttype": "vid" if s.video else "txt",
        },
        "article": {
            "eventid": str(s.event_id),
            "storyid": str(s.story_id),
            "title": ver.title.lower(),
            "author": ", ".join(ver.authors),
            "tags": ",".join(ver.tags),
            "updatedate": s.modified_at.strftime("%d/%m/%Y"),
        },
    }
    return "\n".join(
        (
            f'<meta name="dfp-data" content="{attr_json(dfp)}">',
            f'<meta name="advertising-data" content="{attr_json(adv)}">',
            f'<meta name="adobe-analytics-data" content="{attr_json(analytics)}">',
        )
    )


def article_entity(v: ArticleView) -> dict[str, object]:
    s, ver = v.story, v.version
    return {
        "id": s.event_id,
        "cid": str(s.story_id),
        "path": v.path,
        "title": ver.title,
        "leadin": ver.teaser,
        "publishedAt": timestamp(s.published_at),
        "lastModified": timestamp(s.modified_at),
        "canonical": url(v.path),
        "tags": list(ver.tags),
        "authors": list(ver.authors),
        "versions": [{"locale": lg, "url": url(p)} for lg, p in v.hreflang],
    }


def head_data(ev: EditionView, pagetype: str, entity: dict[str, object]) -> str:
    """The inline state and config scripts."""
    lab = labels(ev.language)
    menus = [
        {
            "vertical": v,
            "label": label,
            "url": url(section_path(ev.code, v)),
            "items": [card_state(c) for c in ev.by_vertical.get(v, ())[:4]],
        }
        for v, label in lab.sections
    ]
    state = {
        "context": {"website": "euronews", "pagetype": pagetype, "locale": ev.language},
        "menus": menus,
        "trending": [{"label": t, "url": url(p)} for t, p in ev.trending],
        "latest": [card_state(c) for c in ev.latest],
        "entities": entity,
    }
    config = {
        "edition": ev.code,
        "locale": lab.locale,
        "home": url(f"/{ev.code}/"),
        "editions": {e: url(p) for e, p in ev.home_paths.items()},
        "assets": {s: asset(s) for s in SCRIPTS},
    }
    return "\n".join(
        (
            f'<script id="euronews-initial-server-data">window.getInitialServerData = () => '
            f"({js_json(state)});</script>",
            f"<script>window.euronewsConfig = {js_json(config)};</script>",
        )
    )


def card_state(c: Card) -> dict[str, object]:
    return {
        "id": c.story,
        "type": c.kind,
        "title": c.title,
        "leadin": c.teaser,
        "url": url(c.path),
        "image": c.image,
        "program": c.program,
        "vertical": c.vertical or "news",
        "publishedAt": int(c.published.timestamp()),
        "isVideo": c.video,
    }


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


def dropdown(ev: EditionView, vertical: str, n: int) -> str:
    """The mega menu under a vertical's entry of the 2026 header."""
    lab = labels(ev.language)
    cards = list(ev.by_vertical.get(vertical, ()))
    cards += [c for c in ev.latest if c not in cards]
    cats = ev.vertical_tags.get(vertical) or ev.trending
    cat_items = "".join(
        f'<li id="adb-header-subnav-{n}_1_{i}"><a class="c-links-list__link" '
        f'href="{url(p)}">{esc(t)}</a></li>'
        for i, (t, p) in enumerate(cats[:8], 1)
    )
    prog_items = "".join(
        f'<li id="adb-header-subnav-{n}_2_{i}"><a class="c-links-list__link" '
        f'href="{url(f"/{ev.code}/")}#programme-{slug}">{esc(label)}</a></li>'
        for i, (label, slug) in enumerate(ev.programmes, 1)
    )
    featured = "".join(
        f'<li id="adb-header-subnav-featured-{n}_3_{i}" class="c-featured-nav__item">'
        f'<a class="c-featured-nav__item__link" href="{url(c.path)}">'
        f'<img class="c-featured-nav__item__image" src="{esc(c.image)}"{srcset(c.image)} alt="" '
        'loading="lazy">'
        f'<p class="c-featured-nav__item__title">{esc(c.title)}</p>'
        f'<p class="c-featured-nav__item__content">{esc(c.teaser)}</p></a></li>'
        for i, c in enumerate(cards[:2], 1)
    )
    stories = "".join(media_object(c, f"nav-{vertical}", i) for i, c in enumerate(cards[:4], 1))
    return (
        '<div class="helper-site-row o-site-hr__second-level__dropdown">'
        '<div class="helper-site-container o-site-hr__second-level__dropdown__container">'
        '<div class="c-navigation-bar__subitem c-links-list">'
        f'<div class="c-navigation-bar__subitem__title">{esc(lab.categories)}</div>'
        f'<ul class="c-links-list__items">{cat_items}</ul></div>'
        '<hr class="c-navigation-bar__dropdown__separator">'
        '<div class="c-navigation-bar__subitem c-links-list">'
        f'<div class="c-navigation-bar__subitem__title">{esc(lab.programmes)}</div>'
        f'<ul class="c-links-list__items">{prog_items}</ul></div>'
        '<hr class="c-navigation-bar__dropdown__separator">'
        '<div class="c-navigation-bar__subitem c-latest-stories">'
        f'<div class="c-navigation-bar__subitem__title">{esc(lab.latest_stories)}</div>'
        f'<div class="c-latest-stories__body">{stories}</div></div>'
        '<div class="c-navigation-bar__subitem c-featured-nav">'
        f'<ul class="c-featured-nav__list">{featured}</ul></div>'
        '</div></div><div class="o-site-hr__second-level__dropdown-mask"></div>'
    )


_NAV_ITEM = re.compile(
    r'(<li id="adb-header-mainnav-(\d+)" class="c-navigation-bar__item '
    r'c-navigation-bar__item--([a-z-]+)">.*?</a>)(</li>)'
)


def latest_dropdown(ev: EditionView) -> str:
    """The menu under the header's "Latest" entry: trending tags and the latest stories."""
    lab = labels(ev.language)
    trending = "".join(
        f'<li><a id="adb-header-subnav-trending-tag-1_{i}" class="c-cta" href="{url(p)}">'
        f"{esc(t)}</a></li>"
        for i, (t, p) in enumerate(ev.trending[:6], 1)
    )
    latest = "".join(media_object(c, "c-latest-stories", i) for i, c in enumerate(ev.latest[:4], 1))
    return (
        '<div class="helper-site-row o-site-hr__second-level__dropdown">'
        '<div class="helper-site-container o-site-hr__second-level__dropdown__container">'
        '<div class="c-navigation-bar__subitem c-trending-tags">'
        f'<div class="c-navigation-bar__subitem__title">{esc(lab.trending)}</div>'
        f'<ul class="c-trending-tags__list">{trending}</ul></div>'
        '<hr class="c-navigation-bar__dropdown__separator">'
        '<div class="c-navigation-bar__subitem c-latest-stories">'
        f'<div class="c-navigation-bar__subitem__title">{esc(lab.latest_stories)}</div>'
        f'<div class="c-latest-stories__body">{latest}</div></div></div></div>'
    )


def latest_swiper(v: ArticleView, ev: EditionView) -> str:
    """The carousel of the edition's latest stories under the article."""
    cards = [c for c in ev.latest if c.path != v.path][:12]
    slides = "".join(
        '<div class="swiper-slide c-latest-swiper__slide">'
        f"{media_object(c, 'latest-swiper', i, 'h3')}</div>"
        for i, c in enumerate(cards, 1)
    )
    return (
        '<section class="c-latest-swiper js-latest-swiper helper-site-row">'
        f'<h2 class="c-latest-swiper__title">{esc(labels(v.language).latest_stories)}</h2>'
        f'<div class="swiper-container"><div class="swiper-wrapper">{slides}</div>'
        '<button class="swiper-button-prev" type="button"></button>'
        '<button class="swiper-button-next" type="button"></button></div></section>'
    )


def programmes_footer(ev: EditionView) -> str:
    """The footer's columns of programmes, one per vertical."""
    home = url(f"/{ev.code}/")
    columns = "".join(
        '<div class="c-footer-sitemap__list"><span class="c-footer-sitemap__list-heading">'
        f'{esc(section_label(ev.language, v))}</span><ul class="c-footer-sitemap__list-fold">'
        + "".join(
            f'<li><a class="c-footer-sitemap__list-item" href="{home}#programme-{p}">'
            f"{esc(programme_label(p))}</a></li>"
            for p in slugs
        )
        + "</ul></div>"
        for v, slugs in PROGRAMMES.items()
    )
    return (
        '<section class="c-footer-programmes"><div class="o-template-footer">'
        f"{columns}</div></section>"
    )


def with_menus_2024(page: str, ev: EditionView) -> str:
    """``page`` (2024 template) with its header's programmes menu (each vertical's six latest
    stories) and its "just in" list (the edition's twelve latest)."""
    programmes = "".join(
        '<div class="c-programs-menu__categories">'
        f'<a class="u-display-inline-block title" href="{section_path(ev.code, v)}">'
        f"{esc(label)}</a>"
        + "".join(
            f'<a class="js-menu-program list-item__link" href="{c.path}">{esc(c.title)}</a>'
            for c in ev.by_vertical.get(v, ())[:6]
        )
        + "</div>"
        for v, label in labels(ev.language).sections
    )
    just_in = "".join(
        f'<div class="c-just-in__item">{media_object(c, "just-in", i)}</div>'
        for i, c in enumerate(ev.latest[:12], 1)
    )
    menus = (
        '</ul><div class="js-programs-menu c-programs-menu c-header-sub-menu u-hide-for-all">'
        f"{programmes}</div></nav></section>"
        '<div class="c-breaking-news helper-site-row js-breaking-news">'
        f'<div class="c-just-in__list">{just_in}</div></div></header>'
    )
    return page.replace("</ul></nav></section></header>", menus, 1)


def with_dropdowns(page: str, edition: EditionView) -> str:
    """``page`` with the mega menus under the vertical entries of its 2026 header."""

    def one(m: re.Match[str]) -> str:
        vertical, n = m.group(3), int(m.group(2))
        menu = latest_dropdown(edition) if vertical == "latest" else dropdown(edition, vertical, n)
        return m.group(1) + menu + m.group(4)

    return _NAV_ITEM.sub(one, page)


def pad(
    page: str,
    template: int | None = 2026,
    edition: EditionView | None = None,
    view: ArticleView | None = None,
    pagetype: str | None = None,
) -> str:
    """``page`` with the bulk of a real page: the critical CSS and the feature-flag store before
    ``</head>`` (for the 2024 template also the consent manager's configuration), the icon
    sprite at the top of ``<body>``; given the page's ``edition``, the inline state scripts
    (``pagetype``: Article when a ``view`` is given, else Listing), the header's mega menus (of
    the 2024 header: programmes and "just in"), the hamburger menu and (2024 articles) the
    carousel of latest stories; given the article's ``view``, the ad and analytics metas."""
    language = page[page.index('lang="') + 6 :].split('"', 1)[0]
    head = (
        f'<style id="critical-css">\n{utility_css()}\n</style>\n'
        f'<meta name="global-store-data" content="{feature_store_b64(language)}">\n'
    )
    if view is not None:
        head += ad_metas(view) + "\n"
    if edition is not None:
        kind = pagetype or ("Article" if view is not None else "Listing")
        entity = article_entity(view) if view is not None else edition.code
        head += head_data(edition, kind, {kind.lower(): entity}) + "\n"
    if template == 2024:
        head += f"<script>window.__tcfConfig = {consent_config()};</script>\n"
    page = page.replace("</head>", head + "</head>", 1)
    if edition is not None:
        page = with_dropdowns(page, edition)
        copyright = '<div class="c-footer-sitemap__copyright">'
        page = page.replace(copyright, programmes_footer(edition) + copyright, 1)
        if template == 2024:
            page = with_menus_2024(page, edition)
        if template == 2024 and view is not None:
            page = page.replace("</main>", latest_swiper(view, edition) + "</main>", 1)
        end = page.rindex("</body>")
        page = page[:end] + hamburger(edition) + page[end:]
    body = page.index(">", page.index("<body")) + 1
    return page[:body] + "\n" + sprite() + page[body:]
