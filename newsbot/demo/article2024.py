"""Article page, 2024 template generation: JSON-LD, ``p.c-article-summary``, root-relative links,
``widget--type-related`` inline box and a plain ``c-article-you-might-also-like`` list.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsbot.demo import chrome, credits, footer, parts
from newsbot.demo.assets import ICONS
from newsbot.demo.labels import LABELS, labels
from newsbot.demo.model import (
    ArticleView,
    EditionView,
    esc,
    js_json,
    meta_date,
    secure_url,
    timestamp,
    url,
)
from newsbot.demo.stories import strip_links


def _json_ld(v: ArticleView) -> str:
    s, ver = v.story, v.version
    body = "\n\n".join(strip_links(p) for p in ver.paragraphs)
    home = url(f"/{v.edition}/")
    graph = {
        "@context": "https://schema.org/",
        "@graph": [
            {
                "@type": "NewsArticle",
                "mainEntityOfPage": {"@type": "Webpage", "url": url(v.path)},
                "headline": ver.title,
                "description": ver.teaser,
                "articleBody": body,
                "dateCreated": meta_date(s.published_at)[:19],
                "dateModified": meta_date(s.modified_at),
                "datePublished": meta_date(s.published_at),
                "image": {
                    "@type": "ImageObject",
                    "url": v.card.image,
                    "width": "1440px",
                    "height": "810px",
                    "caption": ver.image_caption,
                    "thumbnail": v.card.image,
                },
                "author": [{"@type": "Person", "name": a} for a in ver.authors],
                "publisher": {
                    "@type": "Organization",
                    "name": "Euronews",
                    "legalName": "Euronews",
                    "url": home,
                    "logo": {"@type": "ImageObject", "url": url("/images/logo.png")},
                },
                "keywords": list(ver.tags),
                "inLanguage": v.language,
            },
            {
                "@type": "WebSite",
                "name": "Euronews.com",
                "url": home,
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": f"{home}search?query={{search_term_string}}",
                    "query-input": "required name=search_term_string",
                },
            },
        ],
    }
    return f'<script type="application/ld+json">{js_json(graph)}</script>'


def _breadcrumb_ld(v: ArticleView) -> str:
    items = [
        {"@type": "ListItem", "position": i, "name": label, "item": url(path)}
        for i, (label, path) in enumerate(v.breadcrumbs, 1)
    ]
    data = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
    return f'<script type="application/ld+json">{js_json(data)}</script>'


def _content(v: ArticleView, dense_ads: bool) -> str:
    lab = labels(v.language)
    out = ['<div class="c-article-content__first-element"></div>', parts.ad_2024(lab, 1, True)]
    last = len(v.paragraphs) - 1
    if dense_ads:
        ad_after = {i: k for k, i in enumerate(range(1, last, 2), 2)}
    else:
        ad_after = {2: 2} if last > 3 else {}
    for i, segments in enumerate(v.paragraphs):
        if i in v.subheads:
            out.append(f"<h2>{esc(v.subheads[i])}</h2>")
        out.append(parts.paragraph(segments))
        if v.inline_related and v.inline_related[0] == i:
            c = v.inline_related[1]
            out.append(
                '<div class="widget widget--type-related widget--size-fullwidth">'
                f'<div class="widget__wrapper"><div class="widget__title">'
                f"{esc(lab.inline_related)}</div>"
                f'<div class="widget__contents"><a class="widget__related-link" '
                f'href="{secure_url(c.path)}">'
                f"{esc(c.title)}</a></div></div></div>"
            )
        if i in v.captions:
            out.append(credits.picture(v, i, v.captions[i]))
        if i in ad_after:
            out.append(parts.ad_2024(lab, ad_after[i], False))
    return f'<div class="c-article-content js-article-content">{"".join(out)}</div>'


def _related(v: ArticleView) -> str:
    if not v.related:
        return ""
    items = "".join(
        '<div class="c-article-you-might-also-like__item"><h3 class="media__body__title">'
        f'<a class="media__body__link" rel="bookmark" href="{c.path}">{esc(c.title)}</a>'
        "</h3></div>"
        for c in v.related
    )
    return (
        '<div id="adb-article-you-might-also-like" class="c-article-you-might-also-like">'
        '<h2 class="c-article-you-might-also-like__title">'
        f"{esc(labels(v.language).related_2024)}</h2>{items}</div>"
    )


def header(ev: EditionView, alternates: Sequence[tuple[str, str]]) -> str:
    lab = labels(ev.language)
    home = f"/{ev.code}/"
    langs = "".join(
        f'<span class="u-position-relative"><a class="u-font-size-14 js-alternateLink '
        f'c-menu-language__list__item" hreflang="{lang}" href="{path}">'
        f"<b>{esc(LABELS[lang].language_name)}</b></a></span>"
        for lang, path in alternates
    )
    first = "".join(
        f'<div class="list-item"><a class="list-item__link" '
        f'href="{chrome.section_path(ev.code, v)}">{esc(label)}</a></div>'
        for v, label in lab.sections
    )
    return (
        '<div class="c-site-leaderboard-and-header"><div id="js-leaderboard-top" '
        'class="base-leaderboard base-leaderboard--top"><div class="advertising js-adzone">'
        '</div></div><div id="js-header" class="u-position-relative">'
        '<header class="o-site-header c-site-header">'
        '<input id="c-burger-btn-checkbox" class="c-burger-btn-checkbox u-hide-for-all" '
        'type="checkbox"><label id="toggle-menu" class="c-burger-btn" '
        'for="c-burger-btn-checkbox"><span class="c-burger-btn__container"></span></label>'
        '<div class="o-site-header__top"><div class="c-menu-language js-menu-language">'
        f'<button class="c-menu-language__btn" type="button">{ICONS["language"]}</button>'
        f'<span class="c-menu-language__list u-hide-for-all">{langs}</span></div>'
        '<div class="js-search-menu o-header-topbar__search"><div class="c-search-form">'
        f'<input class="c-search-form__input" type="search" placeholder="{esc(lab.search)}">'
        f'<button class="c-search-form__button" type="button">{ICONS["search"]}</button>'
        "</div></div></div>"
        f'<a class="o-site-header__logo" href="{home}">{ICONS["logo"]}</a>'
        '<section class="o-header-menu"><nav class="o-header-menu__nav">'
        f'<ul class="o-header-menu__list"><li class="o-header-menu__first-list">{first}</li>'
        "</ul></nav></section></header></div></div>"
    )


def render(
    v: ArticleView, ev: EditionView, alternates: list[tuple[str, str]], dense_ads: bool = False
) -> str:
    """The complete page (with the base URL placeholder); ``dense_ads`` puts an ad slot after
    every other paragraph."""
    s, ver, lab = v.story, v.version, labels(v.language)
    pub = s.published_at
    head = parts.article_head(v, _json_ld(v))
    main = (
        '<header class="o-article-newsy__header u-article-grid">'
        f"{parts.breadcrumbs(v, absolute=True)}{_breadcrumb_ld(v)}"
        f'<h1 class="c-article-redesign-title">{esc(ver.title)}</h1>{parts.lead_media(v)}</header>'
        '<div class="o-article-newsy__main__body u-article-content u-article-grid">'
        f"{credits.contributors(v, absolute=False)}"
        f'<time class="c-article-publication-date" datetime="{pub.strftime("%Y-%m-%d")}" '
        f'data-timestamp="{timestamp(pub)}">{esc(lab.published_on)} '
        f"{pub.strftime('%d/%m/%Y - %H:%M')}</time>"
        f"{parts.share_bar(v, lab.share_2024, absolute=False)}"
        f"{parts.share_popup(v, lab.share_2024)}"
        f'<p class="c-article-summary">{esc(ver.teaser)}</p>'
        f"{_content(v, dense_ads)}{credits.sources_footer(v)}"
        f"{parts.share_bar(v, lab.share_2024, absolute=False)}"
        f"{_related(v)}{parts.tags_2024(v)}</div>"
    )
    body = (
        f"{header(ev, alternates)}"
        '<main id="enw-main-content" class="o-site-main">'
        '<div id="articlesSwiper" class="swiper-container c-swiper--full-article">'
        '<div class="swiper-wrapper swiper-wrapper--article">'
        '<div class="jsArticleFirst swiper-slide swiper-slide-active">'
        f'<article class="o-article-newsy"><div class="o-article-newsy__main">{main}</div>'
        f"{parts.comments_containers(v)}"
        f"{chrome.aside(ev, v.top_stories, v.most_read)}</article>"
        f"</div></div></div></main>"
        f"{footer.footer(ev)}"
    )
    return chrome.document(v.language, head, "u-overflow-x-hidden is-template-article", body)
