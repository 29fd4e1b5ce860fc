"""Pieces both article templates share: head metas, share bars and popup, embed-link widget,
lead image with caption, ad slots, paragraphs with inline links (bylines, picture credits and the
sources footer are in :mod:`newsbot.demo.credits`).
"""

from __future__ import annotations

from urllib.parse import quote

from newsbot.demo.assets import ICONS
from newsbot.demo.chrome import head_assets
from newsbot.demo.labels import CLOSE_BUTTON, COPY_BUTTON, Labels, labels
from newsbot.demo.model import (
    ArticleView,
    Segment,
    attr_json,
    esc,
    meta_date,
    qurl,
    secure_url,
    url,
)

_NETWORKS_2024 = (
    ("facebook", "https://www.facebook.com/share.php?u={u}"),
    ("twitter", "https://twitter.com/intent/tweet?text={t}&url={u}"),
    ("flipboard", "https://share.flipboard.com/bookmarklet/popout?v=2&url={u}"),
    ("email", "mailto:?subject={t}&body={u}"),
    ("reddit", "https://www.reddit.com/submit?url={u}&title={t}"),
    ("linkedin", "https://www.linkedin.com/shareArticle?mini=true&url={u}"),
)
_NETWORKS_2026 = (
    *_NETWORKS_2024,
    ("telegram", "https://t.me/share/url?url={u}&text={t}"),
    ("bluesky", "https://bsky.app/intent/compose?text={u}"),
    ("whatsapp", "whatsapp://send?text={u}"),
)


def article_head_metas(v: ArticleView) -> str:
    """Metas, links and data blobs of an article's <head> (title and charset excluded)."""
    s, ver, lab = v.story, v.version, labels(v.language)
    tpl = s.template
    keywords = esc(",".join(ver.tags))
    section = s.vertical or "news"
    out = [
        f'<meta name="description" content="{esc(ver.teaser[:160])}">',
        f'<meta name="keywords" content="{keywords}">',
        '<meta name="robots" content="max-snippet:-1, max-image-preview:large">',
    ]
    for name, when in (
        ("date.created", s.published_at),
        ("date.available", s.published_at),
        ("date.updated", s.modified_at),
        ("date.modified", s.modified_at),
    ):
        out.append(f'<meta name="{name}" content="{meta_date(when)}">')
    out.append(f'<meta name="program.url" content="{s.program}">')
    if tpl == 2026:
        out.append(f'<meta name="article:published_time" content="{meta_date(s.published_at)}">')
        out.append(f'<meta name="article:modified_time" content="{meta_date(s.modified_at)}">')
        out += [f'<meta name="article:tag" content="{esc(t)}">' for t in ver.tags]
        out += [f'<meta name="article:author" content="{esc(a)}">' for a in ver.authors]
        out.append(f'<meta name="article:section" content="{esc(v.program_label)}">')
    out.append(f'<meta name="article:theme" content="{s.theme}">')
    out.append(f'<meta name="article:vertical" content="{section}">')
    out.append(f'<meta name="news_keywords" content="{keywords}">')
    out += [f'<meta name="{k}" content="no">' for k in ("sponsored", "adv:branded", "wire")]
    out.append(f'<link rel="canonical" href="{url(v.path)}">')
    out += [f'<link rel="alternate" hreflang="{lg}" href="{url(p)}">' for lg, p in v.hreflang]
    out.append(f'<link rel="alternate" hreflang="x-default" href="{url(v.x_default)}">')
    og_title = ver.social_title if tpl == 2026 else ver.title
    out += [
        f'<meta property="og:locale" content="{lab.locale}">',
        f'<meta property="og:url" content="{url(v.path)}">',
        '<meta property="og:site_name" content="euronews">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(og_title)}">',
        f'<meta property="og:description" content="{esc(ver.teaser)}">',
        f'<meta property="og:image" content="{esc(v.card.image)}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="675">',
        '<meta property="og:image:type" content="image/jpeg">',
        f'<meta property="og:image:alt" content="{esc(ver.image_caption)}">',
    ]
    for lg, p in v.hreflang:
        if lg != v.language:
            out.append(f'<meta property="og:locale:alternate" content="{labels(lg).locale}">')
            out.append(f'<meta property="og:locale:alternate:url" content="{url(p)}">')
    out += [
        '<meta name="twitter:site" content="@euronews">',
        f'<meta name="twitter:title" content="{esc(og_title)}">',
        f'<meta name="twitter:description" content="{esc(ver.teaser)}">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:image" content="{esc(v.card.image)}">',
        f'<meta name="twitter:image:alt" content="{esc(ver.image_caption)}">',
    ]
    ed = v.edition
    for q in (f"level=program&amp;name={s.program}", f"level=vertical&amp;name={section}"):
        out.append(
            f'<link rel="alternate" type="application/rss+xml" href="{url(f"/{ed}/rss")}?{q}">'
        )
    out += [
        f'<meta id="metaEventId" name="eventId" content="{s.event_id}">',
        f'<meta id="metaStoryId" name="storyId" content="{s.story_id}">',
        '<meta name="app-contexts" content="[&quot;main&quot;,&quot;article&quot;]">',
    ]
    return "\n".join(out)


def article_head(v: ArticleView, *extra: str) -> str:
    """What an article page's <head> holds: title, metas, ``extra`` (JSON-LD), assets."""
    title = f"<title>{esc(v.version.title)} | Euronews</title>"
    return "\n".join((title, article_head_metas(v), *extra, head_assets(v.story.template)))


def breadcrumbs(v: ArticleView, absolute: bool) -> str:
    def link(path: str) -> str:
        return url(path) if absolute else path

    crumbs = [
        f'<a class="c-article-breadcrumbs__link" href="{link(f"/{v.edition}/")}">'
        f"{ICONS['home']}</a>"
    ]
    for i, (label, path) in enumerate(v.breadcrumbs):
        active = " active" if i == len(v.breadcrumbs) - 1 else ""
        crumbs.append('<span class="c-article-breadcrumbs__separator"></span>')
        crumbs.append(
            f'<a class="c-article-breadcrumbs__link{active}" href="{link(path)}">{esc(label)}</a>'
        )
    return (
        '<nav class="c-article-breadcrumbs"><div id="adb-article-breadcrumb" '
        f'class="c-article-breadcrumbs__list">{"".join(crumbs)}</div></nav>'
    )


def lead_media(v: ArticleView) -> str:
    """Lead picture (with a player over it for video stories), caption and copyright line."""
    ver, lab = v.version, labels(v.language)
    player = ""
    if v.story.video:
        data = {"id": f"demo{v.story.event_id}", "articleId": v.story.event_id, "title": ver.title}
        player = (
            f'<div class="js-playercontrols c-video-player" data-video="{attr_json(data)}">'
            f'<button class="js-playtrigger c-playtrigger" type="button" aria-label="Play">'
            f"{ICONS['play']}</button></div>"
        )
    novideo = "" if v.story.video else " c-article-image-copyright--novideo"
    return (
        '<div class="c-article-image-video u-position-relative">'
        f'<div class="js-superdiv u-aspect-ratio-16x9 u-position-relative">{player}'
        f'<img class="js-poster-img c-article-media__img" src="{esc(v.card.image)}" '
        f'alt="{esc(ver.image_caption)}" width="1200" height="675"></div>'
        '<div class="c-article-caption u-position-absolute">'
        f'<span class="c-article-caption__svg">{ICONS["info"]}</span>'
        '<i class="c-article-caption__content">'
        f'<span class="c-article-caption__text">{esc(ver.image_caption)} '
        '<span class="u-color-white">-</span> '
        f'<span class="c-article-caption__copyright">{esc(lab.copyright)}</span> '
        f'<span class="c-article-caption__credit">{esc(ver.image_credit)}</span></span>'
        f'<button class="c-article-caption__close-button" type="button">{ICONS["close"]}</button>'
        "</i></div>"
        f'<div class="c-article-image-copyright{novideo}">{esc(lab.copyright)}\u00a0'
        f"{esc(ver.image_credit)}</div></div>"
    )


def share_bar(v: ArticleView, label: str, absolute: bool) -> str:
    anchor = f"#vuukle-comments-{v.story.event_id}"
    href = url(v.path) + anchor if absolute else anchor
    return (
        '<div class="c-article-partage-commentaire u-align-items-center u-display-flex">'
        '<span class="c-article-partage-commentaire__links '
        f'js-c-article-partage-commentaire-share">{ICONS["share"]}<span>{esc(label)}</span></span>'
        '<a class="c-article-partage-commentaire__links c-article-partage-commentaire__comments" '
        f'data-event="comments-link-social-share" href="{href}">{ICONS["comment"]}'
        f"<span>{esc(labels(v.language).comments)}</span></a></div>"
    )


def share_popup(v: ArticleView, label: str) -> str:
    lab = labels(v.language)
    title = quote(v.version.title, safe="")
    networks = _NETWORKS_2026 if v.story.template == 2026 else _NETWORKS_2024
    links = "".join(
        '<a class="js-adb-social-share c-article-partage-commentaire-popup__content__link" '
        f'rel="noopener" href="{esc(pattern.format(u=qurl(v.path), t=title))}" '
        f'aria-label="{name}"><img src="/images/social/{name}.svg" width="48" height="48" '
        f'alt="{name}" loading="lazy"></a>'
        for name, pattern in networks
    )
    embed = ""
    if v.story.video:
        embed = (
            '<div class="c-article-partage-commentaire-popup__content__embed_container">'
            '<span class="c-article-partage-commentaire-popup__content__embed__tooltip">'
            f"{esc(lab.embed_tooltip)}</span>"
            '<span class="c-article-partage-commentaire-popup__content__embed u-display-flex">'
            '<input class="c-article-partage-commentaire-popup__content__embed__text '
            'js-c-article-partage-commentaire-video-embed-input" readonly '
            f'value="{url(f"/{v.edition}/embed/{v.story.event_id}")}">'
            '<button class="c-article-partage-commentaire-popup__content__embed__copy '
            f'js-c-article-partage-commentaire-copy" type="button">{COPY_BUTTON}</button>'
            '<span class="c-article-partage-commentaire-popup__content__embed--success-copied '
            f'js-c-article-partage-commentaire-video-embed-success-link-copied">'
            f"{esc(lab.copied)}</span></span></div>"
        )
    return (
        '<div class="c-article-partage-commentaire-popup-overlay '
        'js-c-article-partage-commentaire-popup-overlay u-display-none">'
        '<div id="js-c-article-partage-commentaire-popup" '
        'class="c-article-partage-commentaire-popup js-c-article-partage-commentaire-popup">'
        '<div class="c-article-partage-commentaire-popup__header u-display-flex">'
        f'<span>{esc(label)}</span><img class="u-cursor-pointer js-c-article-partage-commentaire-'
        f'close" src="/images/close.svg" width="24" height="24" alt="{CLOSE_BUTTON}"></div>'
        '<div class="c-article-partage-commentaire-popup__content u-display-flex">'
        '<div class="c-article-partage-commentaire-popup__content__container u-display-flex">'
        f"{links}</div>{embed}</div></div></div>"
    )


def paragraph(segments: tuple[Segment, ...]) -> str:
    """A body paragraph; links to the site are absolute https URLs, as the site writes them."""
    out = []
    for seg in segments:
        if seg.href is None:
            out.append(esc(seg.text))
        elif seg.external:
            out.append(
                f'<a href="{esc(seg.href)}" rel="noopener" target="_blank">{esc(seg.text)}</a>'
            )
        else:
            out.append(f'<a href="{secure_url(seg.href)}">{esc(seg.text)}</a>')
    return f"<p>{''.join(out)}</p>"


def ad_2024(lab: Labels, n: int, small_only: bool) -> str:
    vis = " u-show-for-small-only" if small_only else ""
    return (
        f'<div class="c-ad c-ad-halfpage{vis}"><div class="c-ad__adzone advertising js-adzone '
        f'content-{n}"></div><div class="c-ad__placeholder"><img class="c-ad__placeholder__logo" '
        f'src="/images/logo-grey.svg" alt="" width="72" height="12"><span>{esc(lab.ad)}</span>'
        "</div></div>"
    )


def ad_2026(lab: Labels, n: int) -> str:
    def one(cls: str, zone: str) -> str:
        return (
            f'<div class="c-ad {cls}"><div class="c-ad__adzone advertising {zone}"></div>'
            '<div class="c-ad__placeholder"><img class="c-ad__placeholder__logo" '
            f'src="/images/logo-grey.svg" alt="" width="72" height="12"><span>{esc(lab.ad)}'
            "</span></div></div>"
        )

    return (
        f"<div>{one('u-show-for-mobile-only', f'mobile-content-{n}')}"
        f"{one('u-show-for-desktop', f'adzone-block content-{n}')}</div>"
    )


def tags_2024(v: ArticleView) -> str:
    links = "".join(
        f'<a class="c-article-tags__item u-font-size-14" href="{p}">{esc(t)}</a>' for t, p in v.tags
    )
    return (
        '<div class="o-article-newsy__tag"><div id="adb-article-tags" class="c-article-tags">'
        f'<div class="u-flex-container u-flex--wrap">{links}</div></div></div>'
    )


def comments_containers(v: ArticleView) -> str:
    e = v.story.event_id
    return (
        '<div class="tp-outbrain"><div class="tp-article-outbrain OUTBRAIN" '
        f'data-src="{url(v.path)}" data-widget-id="AR_1"></div></div>'
        f'<div class="tp-vuukle"><div id="vuukle-comments-{e}" class="js-vuukle-container"></div>'
        f'<div id="vuukle-newsfeed-{e}"></div></div>'
    )
