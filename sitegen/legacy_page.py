"""Article page of the older, class-less generation (2015): the markup a naive scraper fails on.

Nothing in <body> has a class or an id: the share labels, the video embed-link widget
("Copy to clipboard", "Copied"), the "Close Button", the ad labels and the related list under a
plain <h2> sit in plain <div>/<span> elements next to the article text. The standfirst is shown
whole, cut mid-word (as the meta description is), or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from newsbot.demo import chrome
from newsbot.demo.labels import CLOSE_BUTTON, COPY_BUTTON, LABELS, labels, section_label
from newsbot.demo.model import (
    ArticleView,
    Card,
    EditionView,
    esc,
    programme_label,
    url,
)
from sitegen.chrome_bulk import head_data
from sitegen.padding import ad_config, consent_config
from sitegen.programmes import PROGRAMMES

Standfirst = Literal["whole", "cut", "none"]

#: The embed-link prompt of the older share popup, per language.
EMBED_PROMPT = {
    "en": "Copy/paste the article video embed link below:",
    "de": "Den Link zum Einbetten des Videos kopieren",
    "fr": "Copiez le lien de la vidéo ci-dessous :",
}
#: The older "copied" confirmation was English in every edition.
COPIED = "Copied"
#: Heading of the plain related list after the body, per language.
RELATED_HEADING = {"en": "More on this story", "de": "Zum selben Thema", "fr": "Sur le même sujet"}
#: The meta description is the standfirst cut at about this many characters.
DESCRIPTION_LENGTH = 150


def cut_description(teaser: str) -> str:
    """The standfirst as the older CMS wrote the meta description: cut mid-word near 150
    characters, without an ellipsis."""
    cut = min(DESCRIPTION_LENGTH, len(teaser) - 2)
    while cut < len(teaser) - 1 and not (teaser[cut - 1].isalpha() and teaser[cut].isalpha()):
        cut += 1
    return teaser[:cut]


def _head(v: ArticleView, description: str) -> str:
    s, ver = v.story, v.version
    out = [
        f"<title>{esc(ver.title)} | euronews</title>",
        f'<meta name="description" content="{esc(description)}">',
        f'<meta name="keywords" content="{esc(",".join(ver.tags))}">',
        f'<link rel="canonical" href="{url(v.path)}">',
        *(f'<link rel="alternate" hreflang="{lg}" href="{url(p)}">' for lg, p in v.hreflang),
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{url(v.path)}">',
        f'<meta property="og:title" content="{esc(ver.title)}">',
        f'<meta property="og:description" content="{esc(description)}">',
        f'<meta property="og:image" content="{esc(v.card.image)}">',
        f'<meta property="article:published_time" content="{s.published_at.isoformat()}">',
        f'<meta property="article:modified_time" content="{s.modified_at.isoformat()}">',
        f'<meta property="article:section" content="{esc(s.vertical or "news")}">',
    ]
    return "\n".join(out)


def _share(v: ArticleView, label: str) -> str:
    lab = labels(v.language)
    return f'<div><span>{esc(label)}</span><a href="#comments">{esc(lab.comments)}</a></div>'


def _popup(v: ArticleView, label: str) -> str:
    networks = "".join(
        f'<a href="https://www.{name}.com/share?u={url(v.path)}" target="_blank">'
        f'<img src="/images/social/{name}.png" alt="{name}" width="32" height="32"></a>'
        for name in ("facebook", "twitter", "linkedin", "reddit")
    )
    embed = ""
    if v.story.video:
        embed = (
            f"<div><span>{esc(EMBED_PROMPT.get(v.language, labels(v.language).embed_tooltip))}"
            f'</span><input type="text" readonly value="{url(f"/{v.edition}/embed/")}'
            f'{v.story.event_id}"><button type="button">{COPY_BUTTON}</button>'
            f"<span>{COPIED}</span></div>"
        )
    return (
        f'<div><div><span>{esc(label)}</span><button type="button">'
        f"{CLOSE_BUTTON}</button></div><div>{networks}</div>{embed}</div>"
    )


def _ad(v: ArticleView) -> str:
    return (
        f'<div><div style="min-height:250px"></div><span>{esc(labels(v.language).ad)}</span></div>'
    )


def _paragraph(v: ArticleView, i: int) -> str:
    out = []
    for seg in v.paragraphs[i]:
        if seg.href is None:
            out.append(esc(seg.text))
        elif seg.external:
            out.append(f'<a href="{esc(seg.href)}" target="_blank">{esc(seg.text)}</a>')
        else:
            out.append(f'<a href="{url(seg.href)}">{esc(seg.text)}</a>')
    return f"<p>{''.join(out)}</p>"


def _links(cards: Sequence[Card]) -> str:
    return "".join(f'<li><a href="{url(c.path)}">{esc(c.title)}</a></li>' for c in cards)


def _chrome_top(ev: EditionView, alternates: Sequence[tuple[str, str]]) -> str:
    lab = labels(ev.language)
    home = url(f"/{ev.code}/")
    sections = "".join(
        f'<li><a href="{url(chrome.section_path(ev.code, v))}">{esc(label)}</a></li>'
        for v, label in lab.sections
    )
    editions = "".join(
        f'<li><a href="{url(p)}" hreflang="{e}">{esc(LABELS[e].language_name)}</a></li>'
        for e, p in alternates
    )
    programmes = "".join(
        f"<li><b>{esc(section_label(ev.language, v))}</b><ul>"
        + "".join(
            f'<li><a href="{home}#programme-{p}">{esc(programme_label(p))}</a></li>' for p in slugs
        )
        + "</ul></li>"
        for v, slugs in PROGRAMMES.items()
    )
    return (
        f'<div><div><a href="{home}"><img src="/images/logo.png" alt="euronews" width="160" '
        f'height="28"></a></div><div><ul>{sections}</ul></div><div><ul>{programmes}</ul></div>'
        f"<div><span>{esc(lab.language_name)}</span><ul>{editions}</ul></div>"
        f'<form action="{home}search" method="get"><input type="search" name="query" '
        f'placeholder="{esc(lab.search)}"><button type="submit">{esc(lab.search)}</button>'
        f"</form></div><div><b>{esc(lab.just_in)}</b><ul>{_links(ev.latest[:12])}</ul></div>"
    )


def _chrome_bottom(ev: EditionView, most_read: Sequence[Card]) -> str:
    lab = labels(ev.language)
    columns = "".join(
        f"<div><b>{esc(section_label(ev.language, v))}</b><ul>{_links(cards)}</ul></div>"
        for v, cards in ev.by_vertical.items()
    )
    return (
        f"<div><b>{esc(lab.most_read)}</b><ol>{_links(most_read)}</ol></div>"
        f"<div>{columns}<div>© euronews</div></div>"
    )


def render(
    v: ArticleView,
    ev: EditionView,
    alternates: Sequence[tuple[str, str]],
    standfirst: Standfirst,
) -> str:
    """The complete page (with the base URL placeholder)."""
    s, ver, lab = v.story, v.version, labels(v.language)
    description = cut_description(ver.teaser)
    head = "\n".join(
        (
            _head(v, description),
            chrome.head_assets(2024),
            head_data(ev, "Article", {"article": {"id": s.event_id, "path": v.path}}),
            f"<script>var adSlots = {ad_config('euronews')};</script>",
            f"<script>var consentVendors = {consent_config()};</script>",
        )
    )
    author = ", ".join(
        f'<a href="{url(f"/{v.edition}/")}#author-{i}">{esc(a)}</a>'
        for i, a in enumerate(ver.authors, 1)
    )
    video = ""
    if s.video:
        video = (
            f'<div><iframe src="{url(f"/{v.edition}/embed/")}{s.event_id}" width="640" '
            'height="360" allowfullscreen></iframe></div>'
        )
    lead = {
        "whole": f"<div><p>{esc(ver.teaser)}</p></div>",
        "cut": f"<div>{esc(description)}</div>",
        "none": "",
    }[standfirst]
    body: list[str] = []
    for i in range(len(v.paragraphs)):
        if i in v.subheads:
            body.append(f"<h3>{esc(v.subheads[i])}</h3>")
        body.append(_paragraph(v, i))
        if i == 1:
            body.append(_ad(v))
    related = ""
    if v.related:
        heading = RELATED_HEADING.get(v.language, lab.related_2024)
        related = f"<h2>{esc(heading)}</h2><div><ul>{_links(v.related)}</ul></div>"
    tags = " ".join(f'<a href="{url(p)}">{esc(t)}</a>' for t, p in v.tags)
    article = (
        f"<div><h1>{esc(ver.title)}</h1>"
        f'<div><div><img src="{esc(v.card.image)}" alt="" width="640" height="360"></div>'
        f"<span>{esc(lab.copyright)} </span><span>{esc(ver.image_credit)}</span></div>"
        f"<div>{esc(lab.by)} {author}</div>"
        f'<div><time datetime="{s.published_at.isoformat()}">{s.published_at:%d/%m/%Y}</time></div>'
        f"{_share(v, lab.share_2024)}{_popup(v, lab.share_2024)}{video}{lead}{_ad(v)}"
        f"<div>{''.join(body)}</div>{_share(v, lab.share_2024)}{related}<div>{tags}</div></div>"
    )
    page = (
        f"{_chrome_top(ev, alternates)}<div><div>{article}<div>{_ad(v)}</div></div></div>"
        f"{_chrome_bottom(ev, v.most_read)}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{v.language}">\n<head>\n<meta charset="UTF-8">\n{head}\n'
        f"</head>\n<body>\n{page}\n</body>\n</html>\n"
    )
