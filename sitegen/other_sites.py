"""Article pages of sites that have no profile: a local paper (www.example.org) and a garden blog
(news.example.net), each in its own plain, modern markup with share tools, ads, a newsletter box,
comments and the usual sidebar. The extraction fixtures read them with the generic profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsbot.demo.assets import srcset
from newsbot.demo.model import ArticleView, esc, js_json, slugify
from sitegen.padding import (
    ad_config,
    consent_config,
    feature_store_b64,
    sprite,
    utility_css,
)


@dataclass(frozen=True)
class OtherSite:
    """What a page of another site shows around its article, in that site's language."""

    host: str
    name: str
    tagline: str
    language: str
    section: str  # article:section of its articles
    image_folder: str
    share: str
    copy_link: str
    ad: str
    newsletter: str
    newsletter_text: str
    subscribe: str
    sidebar_title: str
    sidebar_items: tuple[str, ...]
    nav: tuple[str, ...]
    by: str
    comments: str  # "{n} comments"
    comment_texts: tuple[tuple[str, str], ...]  # (who, what)
    footer: tuple[str, ...]


VALLEY_GAZETTE = OtherSite(
    host="www.example.org",
    name="The Valley Gazette",
    tagline="News for the valley since 1887",
    language="en",
    section="News",
    image_folder="/images/2026/02",
    share="Share this article",
    copy_link="Copy link",
    ad="ADVERTISEMENT",
    newsletter="Sign up to our newsletter",
    newsletter_text="The day's local news in your inbox every morning, free of charge.",
    subscribe="Subscribe",
    sidebar_title="Most read",
    sidebar_items=(
        "Bypass roadworks to close Mill Lane for six weeks",
        "Youth football club celebrates 50 years with a new clubhouse",
        "Bakery on Church Street wins regional bread award",
        "Library extends Saturday opening hours after petition",
        "Planning committee rejects 120-home estate on flood plain",
        "Bus company adds a late service to the hospital",
        "Volunteers clear two tonnes of litter from the riverbank",
        "Former textile mill to become artists' studios",
    ),
    nav=("News", "Sport", "Business", "Opinion", "Lifestyle", "Weather", "Jobs", "Property"),
    by="By",
    comments="{n} comments",
    comment_texts=(),
    footer=("About us", "Contact the newsroom", "Advertise with us", "Privacy notice", "Terms"),
)

GARDEN_BLOG = OtherSite(
    host="news.example.net",
    name="Gartenzeit",
    tagline="Ein Blog über naturnahe Gärten",
    language="de",
    section="Blumen",
    image_folder="/wp-content/uploads/2026/01",
    share="Diesen Artikel teilen",
    copy_link="Link kopieren",
    ad="ANZEIGE",
    newsletter="Newsletter abonnieren",
    newsletter_text="Einmal im Monat neue Beiträge und Saattipps per E-Mail.",
    subscribe="Abonnieren",
    sidebar_title="Neueste Beiträge",
    sidebar_items=(
        "Hochbeete aus alten Paletten bauen",
        "Was im Februar im Gemüsegarten zu tun ist",
        "Kompost für Einsteiger: die fünf häufigsten Fehler",
        "Tomaten aus eigenem Saatgut ziehen",
        "Ein Teich für Molche und Libellen",
        "Obstbäume richtig schneiden",
    ),
    nav=("Gemüse", "Obst", "Blumen", "Balkon", "Werkzeug", "Rezepte", "Über mich"),
    by="von",
    comments="{n} Kommentare",
    comment_texts=(
        (
            "Sabine",
            "Wunderbarer Beitrag! Wir haben letztes Jahr auch angefangen und sehen jetzt schon "
            "viel mehr Wildbienen im Garten.",
        ),
        (
            "Jörg",
            "Welche Saatmischung hast du genommen? Bei uns kommen leider fast nur Gräser durch.",
        ),
    ),
    footer=("Impressum", "Datenschutz", "Kontakt"),
)

#: The site each extra story of another site belongs to.
SITES: dict[str, OtherSite] = {"x05": VALLEY_GAZETTE, "x06": GARDEN_BLOG}


def shows_standfirst(site: OtherSite) -> bool:
    """Whether the site's pages show the standfirst (the others only put it in meta tags)."""
    return site is VALLEY_GAZETTE


def page_url(site: OtherSite, v: ArticleView) -> str:
    s = v.story
    return f"https://{site.host}/{s.vertical}/{s.published_at:%Y/%m/%d}/{v.version.slug}"


def image(site: OtherSite, v: ArticleView, name: str) -> str:
    return f"https://{site.host}{site.image_folder}/{v.version.slug[:24]}-{name}.jpg"


def _paragraph(v: ArticleView, i: int) -> str:
    out = []
    for seg in v.paragraphs[i]:
        if seg.href is None:
            out.append(esc(seg.text))
        else:
            out.append(f'<a href="{esc(seg.href)}">{esc(seg.text)}</a>')
    return f"<p>{''.join(out)}</p>"


def _head(site: OtherSite, v: ArticleView, here: str) -> str:
    s, ver = v.story, v.version
    kind = "NewsArticle" if site is VALLEY_GAZETTE else "BlogPosting"
    ld = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": ver.title,
        "description": ver.teaser,
        "datePublished": s.published_at.isoformat(),
        "dateModified": s.modified_at.isoformat(),
        "author": [{"@type": "Person", "name": a} for a in ver.authors],
        "image": [image(site, v, "lead")],
        "keywords": ", ".join(ver.tags),
        "publisher": {"@type": "Organization", "name": site.name},
        "mainEntityOfPage": here,
    }
    lines = [
        f"<title>{esc(ver.title)} – {esc(site.name)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{esc(ver.teaser)}">',
        f'<meta name="author" content="{esc(", ".join(ver.authors))}">',
        f'<link rel="canonical" href="{here}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{esc(site.name)}">',
        f'<meta property="og:url" content="{here}">',
        f'<meta property="og:title" content="{esc(ver.social_title)}">',
        f'<meta property="og:description" content="{esc(ver.teaser)}">',
        f'<meta property="og:image" content="{image(site, v, "lead")}">',
        f'<meta property="article:published_time" content="{s.published_at.isoformat()}">',
        f'<meta property="article:modified_time" content="{s.modified_at.isoformat()}">',
        f'<meta property="article:section" content="{esc(site.section)}">',
        *(f'<meta property="article:tag" content="{esc(t)}">' for t in ver.tags),
        f'<script type="application/ld+json">{js_json(ld)}</script>',
        f"<style>{utility_css()}</style>",
        f"<script>window.__consent = {consent_config()};</script>",
        f"<script>window.__ads = {ad_config(site.host)};</script>",
        f'<script>window.__analytics = "{feature_store_b64(site.language)}";</script>',
    ]
    return "\n".join(lines)


def _share(site: OtherSite, here: str) -> str:
    links = "".join(
        f'<a class="share-tools__link share-tools__link--{name.lower()}" href="{pattern}{here}" '
        f'rel="noopener" target="_blank">{name}</a>'
        for name, pattern in (
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?u="),
            ("X", "https://x.com/intent/post?url="),
            ("WhatsApp", "https://wa.me/?text="),
            ("Email", "mailto:?body="),
        )
    )
    return (
        f'<div class="share-tools"><span class="share-tools__label">{esc(site.share)}</span>'
        f'{links}<button class="share-tools__copy" type="button">{esc(site.copy_link)}</button>'
        "</div>"
    )


def _ad(site: OtherSite, slot: str) -> str:
    return (
        f'<div class="ad-slot ad-slot--{slot}"><span class="ad-slot__label">{esc(site.ad)}</span>'
        f'<div class="ad-slot__frame" data-slot="{slot}"></div></div>'
    )


def _figure(site: OtherSite, v: ArticleView, name: str, caption: str, credit: str) -> str:
    src = image(site, v, name)
    return (
        f'<figure class="story__figure"><img src="{src}"{srcset(src)} alt="{esc(caption)}" '
        f'width="1200" height="800" loading="lazy"><figcaption>{esc(caption)} '
        f'<span class="story__credit">{esc(credit)}</span></figcaption></figure>'
    )


def _list(site: OtherSite, items: Sequence[str], prefix: str) -> str:
    return "".join(
        f'<li><a href="https://{site.host}/{prefix}/{slugify(t)}">{esc(t)}</a></li>' for t in items
    )


def render(v: ArticleView) -> str:
    """The complete page of an extra story of another site."""
    site = SITES[v.story.id]
    s, ver = v.story, v.version
    here = page_url(site, v)
    home = f"https://{site.host}/"
    body: list[str] = []
    for i in range(len(v.paragraphs)):
        body.append(_paragraph(v, i))
        if i in v.captions:
            body.append(_figure(site, v, f"body-{i}", v.captions[i], ver.image_credit))
        if i in (1, 3):
            body.append(_ad(site, f"inline-{i}"))
        if i == 2:
            body.append(
                f'<aside class="newsletter-box"><h2>{esc(site.newsletter)}</h2>'
                f"<p>{esc(site.newsletter_text)}</p>"
                f'<form action="{home}newsletter" method="post"><input type="email" name="email">'
                f'<button type="submit">{esc(site.subscribe)}</button></form></aside>'
            )
    authors = ", ".join(
        f'<a rel="author" href="{home}authors/{slugify(a)}">{esc(a)}</a>' for a in ver.authors
    )
    standfirst = (
        f'<p class="story__standfirst">{esc(ver.teaser)}</p>' if shows_standfirst(site) else ""
    )
    tags = _list(site, ver.tags, "tag")
    comments = "".join(
        f'<li class="comment"><p class="comment__author">{esc(who)}</p>'
        f'<div class="comment__body"><p>{esc(what)}</p></div></li>'
        for who, what in site.comment_texts
    )
    count = site.comments.format(n=len(site.comment_texts) or 24)
    article = (
        f'<article class="story story--{s.vertical}"><header class="story__header">'
        f'<p class="story__kicker"><a href="{home}{s.vertical}/">{esc(site.section)}</a></p>'
        f'<h1 class="story__headline">{esc(ver.title)}</h1>{standfirst}'
        f'<div class="story__meta"><p class="byline">{esc(site.by)} {authors}</p>'
        f'<p class="dateline"><time datetime="{s.published_at.isoformat()}">'
        f"{s.published_at:%d.%m.%Y %H:%M}</time></p>"
        f'<a class="comments-link" href="#comments">{esc(count)}</a></div>'
        f"{_share(site, here)}</header>"
        f"{_figure(site, v, 'lead', ver.image_caption, ver.image_credit)}"
        f'<div class="story__body">{"".join(body)}</div>'
        f'<footer class="story__footer"><ul class="story__tags">{tags}</ul>'
        f"{_share(site, here)}</footer></article>"
        f'<section id="comments" class="comments"><h2>{esc(count)}</h2>'
        f'<ol class="comment-list">{comments}</ol></section>'
    )
    nav = _list(site, site.nav, "section")
    sidebar = (
        f'<aside class="sidebar">{_ad(site, "sidebar")}<section class="sidebar__list">'
        f"<h2>{esc(site.sidebar_title)}</h2><ol>{_list(site, site.sidebar_items, 'story')}</ol>"
        f"</section>{_ad(site, 'sidebar-2')}</aside>"
    )
    page = (
        f'{sprite()}<a class="skip-link" href="#main">Skip</a>'
        f'<header class="site-header"><a class="site-logo" href="{home}">{esc(site.name)}</a>'
        f'<p class="site-tagline">{esc(site.tagline)}</p><nav class="site-nav"><ul>{nav}</ul>'
        f"</nav></header>{_ad(site, 'leaderboard')}"
        f'<div class="site-wrap"><main id="main" class="site-main">{article}</main>{sidebar}</div>'
        f'<footer class="site-footer"><ul>{_list(site, site.footer, "page")}</ul>'
        f"<p>© {esc(site.name)}</p></footer>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{site.language}">\n<head>\n<meta charset="utf-8">\n'
        f"{_head(site, v, here)}\n</head>\n<body>\n{page}\n</body>\n</html>\n"
    )
