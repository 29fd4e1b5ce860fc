"""Article page, 2026 template generation: no JSON-LD, ``article:*`` metas,
``h2.c-article-summary``, absolute links, paired mobile/desktop ad slots, a ``c-widget-related``
inline box and ``the-media-object`` cards in the related block.
"""

from __future__ import annotations

from newsbot.demo import chrome, credits, footer, parts
from newsbot.demo.labels import labels
from newsbot.demo.model import (
    ArticleView,
    EditionView,
    esc,
    gmt_label,
    meta_date,
    timestamp,
    url,
)


def _content(v: ArticleView, dense_ads: bool) -> str:
    lab = labels(v.language)
    out: list[str] = []
    n = len(v.paragraphs)
    if dense_ads:
        ads = {i: k for k, i in enumerate(range(0, n - 1, 2), 1)}
    else:
        ads = {0: 1, 4: 2} if n > 5 else {0: 1}
    connatix = 2 if n > 3 else -1
    for i, segments in enumerate(v.paragraphs):
        if i in v.subheads:
            out.append(f"<h2>{esc(v.subheads[i])}</h2>")
        out.append(parts.paragraph(segments))
        if i in ads:
            out.append(parts.ad_2026(lab, ads[i]))
        if i == connatix:
            out.append(
                '<div id="connatix-container-disabled" class="connatix-container">'
                '<div id="connatix-player-disabled"></div></div>'
            )
        if v.inline_related and v.inline_related[0] == i:
            c = v.inline_related[1]
            out.append(
                '<div class="c-widget-related" data-event="widget_related">'
                '<div class="c-widget-related__title"><b class="c-widget-related__title__text">'
                f"{esc(lab.inline_related)}</b></div>"
                '<ul class="c-widget-related__list"><li class="c-widget-related__item">'
                f'<a class="c-widget-related__article" href="{url(c.path)}">{esc(c.title)}</a>'
                "</li></ul></div>"
            )
        if i in v.captions:
            out.append(credits.picture(v, i, v.captions[i]))
    vertical = f" c-article-content--{v.story.vertical}" if v.story.vertical else ""
    return f'<div class="c-article-content{vertical} js-article-content">{"".join(out)}</div>'


def _related(v: ArticleView) -> str:
    if not v.related:
        return ""
    cards = "".join(
        chrome.media_object(c, "c-article-you-might-also-like__item", i, "h3")
        for i, c in enumerate(v.related)
    )
    return (
        '<div id="adb-article-you-might-also-like" class="perf-cv-auto '
        'c-article-you-might-also-like"><h2 class="c-article-you-might-also-like__title">'
        f"{esc(labels(v.language).related_2026)}</h2>"
        f'<div class="c-article-you-might-also-like__container">{cards}</div></div>'
    )


def _tags(v: ArticleView) -> str:
    items = "".join(
        f'<li class="c-tags-list__item"><a class="c-cta" href="{url(p)}">{esc(t)}</a></li>'
        for t, p in v.tags
    )
    return (
        '<div class="perf-cv-auto"><ul id="adb-article-tags" class="c-tags-list">'
        f"{items}</ul></div>"
    )


def render(
    v: ArticleView, ev: EditionView, alternates: list[tuple[str, str]], dense_ads: bool = False
) -> str:
    """The complete page (with the base URL placeholder); ``dense_ads`` puts an ad slot after
    every other paragraph."""
    s, ver, lab = v.story, v.version, labels(v.language)
    pub = s.published_at
    head = parts.article_head(v)
    main = (
        '<header class="h-grid o-article-newsy__main__header">'
        f"{parts.breadcrumbs(v, absolute=True)}"
        f'<h1 class="c-article-redesign-title">{esc(ver.title)}</h1>{parts.lead_media(v)}</header>'
        '<div class="h-grid o-article-newsy__main__body u-article-content">'
        '<div class="o-article-newsy__contributors-publication-date">'
        f"{credits.contributors(v, absolute=True)}"
        f'<div class="c-article-publication-date" data-timestamp="{timestamp(pub)}">'
        f'{esc(lab.published_on)} <time datetime="{meta_date(pub)}">'
        f"{pub.strftime('%d/%m/%Y - %H:%M')} {gmt_label(pub)}</time></div></div>"
        f"{parts.share_bar(v, lab.share_2026, absolute=True)}"
        f"{parts.share_popup(v, lab.share_2026)}"
        f'<h2 class="c-article-summary">{esc(ver.teaser)}</h2>'
        f"{_content(v, dense_ads)}{credits.sources_footer(v)}"
        f'<a class="accessibility-bar__goto" href="{url(v.path)}#accessibility-bar">'
        f"{esc(lab.goto_accessibility)}</a>"
        f"{parts.share_bar(v, lab.share_2026, absolute=True)}"
        f"{_related(v)}{_tags(v)}</div>"
    )
    body = (
        f"{chrome.header_2026(ev, alternates)}"
        '<div class="o-site-main--article-with-wallpaper__container">'
        '<main id="enw-main-content" class="o-site-main">'
        '<div id="articlesSwiper" class="swiper-container c-swiper--full-article">'
        '<div class="swiper-wrapper swiper-wrapper--article">'
        '<div class="jsArticleFirst swiper-slide swiper-slide-active">'
        '<article class="helper-site-row o-article-newsy">'
        '<div class="helper-site-container o-article-newsy__container">'
        f'<div class="o-article-newsy__main">{main}{parts.comments_containers(v)}</div>'
        f"{chrome.aside(ev, v.top_stories, v.most_read)}</div></article>"
        "</div></div></div></main></div>"
        f"{footer.footer(ev)}"
    )
    return chrome.document(v.language, head, "u-overflow-x-hidden is-template-article", body)
