"""Who an article page credits, in the shapes the real site uses: the byline (authors, and the
agencies it names after them), the credit under each picture, the sources footer after the body.

The byline reads "By <a>Jane Doe</a>" for a journalist with a profile page, "By Euronews with
Agencies" or "Von Euronews mit AP" for the newsroom (no link) with agencies; a picture's caption
and its credit are two spans of one figcaption (run together without a space in the 2024
template); the sources footer is one line, "Weitere Quellen • AP, dpa", after the article text
in an element of its own.
"""

from __future__ import annotations

from newsbot.demo.labels import labels
from newsbot.demo.model import ArticleView, esc, image_url, url

#: The newsroom as an author: named without a link (it has no profile page).
NEWSROOM = "Euronews"
#: Per language: the word that joins the agencies to the authors in a byline.
AGENCY_JOIN: dict[str, str] = {"en": "with", "de": "mit", "fr": "avec", "it": "con", "es": "con"}


def contributors(v: ArticleView, absolute: bool) -> str:
    """The byline: "By" and the authors (journalists linked, the newsroom not), then the
    agencies the story's byline names, if any."""
    ver, lab = v.version, labels(v.language)
    home = url(f"/{v.edition}/") if absolute else f"/{v.edition}/"
    names = ", ".join(
        esc(a) if a == NEWSROOM else f'<a href="{home}#author-{i}">{esc(a)}</a>'
        for i, a in enumerate(ver.authors, 1)
    )
    agencies = ""
    if ver.byline_agencies:
        if v.language not in AGENCY_JOIN:
            raise KeyError(f"no byline word joining agencies in language {v.language!r}")
        agencies = f" {AGENCY_JOIN[v.language]} {esc(', '.join(ver.byline_agencies))}"
    return f'<div class="c-article-contributors">{esc(lab.by)}\u00a0{names}{agencies}</div>'


def picture(v: ArticleView, index: int, caption: str) -> str:
    """An in-body picture with its caption and, in a span of its own, the photo credit."""
    src = image_url(v.story.id, v.language, f"body-{index}")
    # The 2024 template writes the two spans back to back; the 2026 one on separate lines.
    gap = "" if v.story.template == 2024 else "\n"
    return (
        '<div class="widget widget--type-image widget--size-fullwidth widget--align-center">'
        '<div class="widget__wrapper"><div class="widget__ratio widget__ratio--auto">'
        '<div class="widget__contents"><figure class="widget__figure">'
        f'<img class="widgetImage__image" src="{esc(src)}" alt="{esc(caption)}" width="1200" '
        'height="675" loading="lazy"><figcaption class="widget__caption">'
        f'<span class="widget__captionWrap"><span class="widget__captionText">{esc(caption)}'
        f'</span>{gap}<span class="widget__captionCredit">{esc(v.version.image_credit)}</span>'
        "</span></figcaption></figure></div></div></div></div>"
    )


def sources_footer(v: ArticleView) -> str:
    """The footer line naming the agencies the text draws on, or nothing."""
    if not v.version.sources:
        return ""
    return (
        '<footer class="c-article-footer"><p class="c-article-footer__sources">'
        f"<span>{esc(labels(v.language).sources)}</span> • "
        f"{esc(', '.join(v.version.sources))}</p></footer>"
    )
