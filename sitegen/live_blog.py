"""Live blog page (2026 chrome): a stream of timestamped updates, newest first, described by a
JSON-LD ``LiveBlogPosting``. Not an article: extraction must give no article for it.

The story's paragraphs are the updates (newest first), its subheads their headlines; update
times run back from the story's ``modified_at`` in steps of :data:`UPDATE_STEP`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from newsbot.demo import chrome, credits, footer, parts
from newsbot.demo.labels import labels
from newsbot.demo.model import ArticleView, EditionView, esc, js_json, meta_date, url
from newsbot.demo.stories import strip_links

UPDATE_STEP = timedelta(minutes=47)


def update_times(v: ArticleView) -> list[datetime]:
    """When each update was posted, newest first."""
    return [v.story.modified_at - i * UPDATE_STEP for i in range(len(v.paragraphs))]


def _json_ld(v: ArticleView) -> str:
    s, ver = v.story, v.version
    updates = [
        {
            "@type": "BlogPosting",
            "headline": v.subheads.get(i, ver.title),
            "datePublished": when.isoformat(),
            "articleBody": strip_links(ver.paragraphs[i]),
            "url": f"{url(v.path)}#update-{i + 1}",
        }
        for i, when in enumerate(update_times(v))
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": ver.title,
        "description": ver.teaser,
        "url": url(v.path),
        "coverageStartTime": s.published_at.isoformat(),
        "coverageEndTime": (s.modified_at + timedelta(hours=12)).isoformat(),
        "datePublished": s.published_at.isoformat(),
        "dateModified": s.modified_at.isoformat(),
        "image": v.card.image,
        "author": [{"@type": "Organization", "name": a} for a in ver.authors],
        "liveBlogUpdate": updates,
        "inLanguage": v.language,
    }
    return f'<script type="application/ld+json">{js_json(data)}</script>'


def render(v: ArticleView, ev: EditionView, alternates: Sequence[tuple[str, str]]) -> str:
    """The complete page (with the base URL placeholder)."""
    s, ver, lab = v.story, v.version, labels(v.language)
    head = "\n".join(
        (
            f"<title>{esc(ver.title)} | Euronews</title>",
            parts.article_head_metas(v),
            _json_ld(v),
            chrome.head_assets(2026),
        )
    )
    posts = "".join(
        f'<article id="update-{i + 1}" class="c-live-blog__post">'
        f'<div class="c-live-blog__post-meta"><time class="c-live-blog__time" '
        f'datetime="{meta_date(when)}">{when:%H:%M}</time></div>'
        + (
            f'<h3 class="c-live-blog__post-title">{esc(v.subheads[i])}</h3>'
            if i in v.subheads
            else ""
        )
        + f'<div class="c-live-blog__post-body">{parts.paragraph(v.paragraphs[i])}</div>'
        f"{parts.share_bar(v, lab.share_2026, absolute=True)}</article>"
        for i, when in enumerate(update_times(v))
    )
    main = (
        '<header class="h-grid o-article-newsy__main__header">'
        f"{parts.breadcrumbs(v, absolute=True)}"
        f'<span class="c-live-badge">{esc(lab.live)}</span>'
        f'<h1 class="c-article-redesign-title c-live-blog__title">{esc(ver.title)}</h1>'
        f"{parts.lead_media(v)}</header>"
        '<div class="h-grid o-article-newsy__main__body u-article-content">'
        f"{credits.contributors(v, absolute=True)}"
        f'<div class="c-live-blog__updated">{esc(lab.updated)} '
        f'<time datetime="{meta_date(s.modified_at)}">{s.modified_at:%d/%m/%Y - %H:%M}</time>'
        f"</div>{parts.share_bar(v, lab.share_2026, absolute=True)}"
        f'<h2 class="c-article-summary">{esc(ver.teaser)}</h2>'
        f'<div class="c-live-blog js-live-blog" data-refresh="30">{posts}</div>'
        f"{parts.ad_2026(lab, 1)}</div>"
    )
    body = (
        f"{chrome.header_2026(ev, alternates)}"
        '<main id="enw-main-content" class="o-site-main">'
        '<article class="helper-site-row o-article-newsy o-article-newsy--live">'
        '<div class="helper-site-container o-article-newsy__container">'
        f'<div class="o-article-newsy__main">{main}</div>'
        f"{chrome.aside(ev, v.top_stories, v.most_read)}</div></article></main>"
        f"{footer.footer(ev)}"
    )
    return chrome.document(v.language, head, "u-overflow-x-hidden is-template-live", body)
