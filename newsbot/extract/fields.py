"""Field candidates of a page, in order of trust, merged through the ArticleLoader.

Site selectors first, then JSON-LD, then meta tags: the loader's processors clean each candidate
and keep the first that survives (scalars) or the most trusted source that had any (lists).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsbot.extract.authors import marked_byline, page_authors
from newsbot.extract.credits import byline_agencies, labelled_sources, split_agencies
from newsbot.extract.dates import most_precise
from newsbot.extract.loader import ArticleLoader, split_list
from newsbot.extract.meta import PageMeta, ld_urls
from newsbot.extract.text import byline_match, sources_of, split_names
from newsbot.extract.titles import (
    choose_title,
    decode_entities,
    page_titles,
    shown_headings,
    shown_title,
    site_names,
)
from newsbot.normalize import normalize_space
from newsbot.sites import ClassIndex, Phrases, Profile


def _select(root: Any, profile: Profile, name: str, index: ClassIndex | None) -> list[str]:
    """Values of the first selector of field ``name`` that matches anything."""
    for selector in profile.selectors[name]:
        values = selector.values(root, index)
        if values:
            return values
    return []


def _all_selected(root: Any, profile: Profile, name: str, index: ClassIndex | None) -> list[str]:
    """Values of every selector of field ``name``, in order."""
    return [v for selector in profile.selectors[name] for v in selector.values(root, index)]


def _first_list(*sources: list[str]) -> list[str]:
    """The most trusted source that has any values: sources do not mix within a list field."""
    for values in sources:
        if values:
            return values
    return []


def _ld_strings(page: PageMeta, key: str) -> list[str]:
    values: list[str] = []
    for value in page.ld(key):
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list):
            values.extend(v for v in value if isinstance(v, str))
    return values


#: Other meta tags sites name the publication time with (Dublin Core, PRISM, analytics tags).
PUBLISHED_METAS = (
    "og:article:published_time",
    "publishdate",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "prism.publicationdate",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:publishtime",
    "article.published",
)
MODIFIED_METAS = ("og:article:modified_time", "dcterms.modified", "dc.date.modified", "lastmod")
_DATE_PUBLISHED = etree.XPath("//*[@itemprop='datePublished']")


def _shown_date(scope: Any) -> str | None:
    """The publication time the page shows when no meta tag gives it: an element marked as
    the date published (microdata), else the first ``<time datetime>`` of an article."""
    for el in _DATE_PUBLISHED(scope):
        found = most_precise([el.get("content"), el.get("datetime")])
        if found:
            return found
    for article in scope.iter("article"):
        for el in article.iter("time"):
            found = most_precise([el.get("datetime")])
            if found:
                return found
    return None


def _byline_authors(scope: Any, words: Phrases) -> tuple[list[str], list[str]]:
    """Authors and agencies from a byline that no markup names ("Von <a>Euronews</a>", "By Jane
    Doe and John Roe with AP"): the first short element that starts with a byline word."""
    for el in scope.iter("div", "p", "span", "address"):
        text = normalize_space(el.text_content())
        if len(text) > 100 or not byline_match(text, words):
            continue
        names, agencies = split_agencies(byline_match(text, words) or "")
        linked = [normalize_space(a.text_content()) for a in el.iter("a")]
        found = [n for n in linked if n] or split_names(names)
        if found:
            return found, agencies
    return [], []


def load_fields(
    scope: Any, page: PageMeta, url: str, profile: Profile, index: ClassIndex | None = None
) -> dict[str, Any]:
    """Every article field the page offers outside its body text, merged; plus
    ``descriptions``: the page's meta descriptions as written (cut-off copies of the teaser
    that must not reach the text)."""
    # The loader context: how the site writes URLs, for the URL fields' processors.
    loader = ArticleLoader(
        base_url=url, strip_params=profile.strip_params, https_hosts=profile.domains
    )
    main = ld_urls(page.ld("mainEntityOfPage")) + ld_urls(page.ld("url"))
    loader.add_value("canonical_url", [page.canonical, page.first("og:url"), *main, url])
    selected = _select(scope, profile, "title", index)
    headline = _ld_strings(page, "headline")[:1] or page.all("headline")[:1]
    titles = page_titles(scope, page, headline)
    site = site_names(page, url)
    title = choose_title([*selected, *titles], site)
    if not selected and title:
        # Of the headlines a page names in its head (for search engines, for sharing), the one
        # it shows its readers over the article.
        named = [*headline, page.first("og:title")]
        title = shown_title(title, named, site, shown_headings(scope))
    loader.add_value("title", title)
    headlines = [decode_entities(t) for t in [*selected, *titles[:4]] if t]
    descriptions = [
        *_ld_strings(page, "description"),
        *page.all("og:description", "description", "twitter:description"),
    ]
    # The page's standfirst element is whole; descriptions in meta tags are often cut short.
    standfirst = _select(scope, profile, "teaser", index)
    loader.add_value("teaser", standfirst)
    # Agencies a byline joins to the names ("Von Jane Doe mit AP") are sources.
    agencies = byline_agencies(_all_selected(scope, profile, "authors", index))

    def text_byline() -> list[str]:
        names, found = _byline_authors(scope, profile.phrases)
        agencies.extend(found)
        return names

    authors = _select(scope, profile, "authors", index) or page_authors(
        page, site, lambda: marked_byline(scope, profile.phrases), text_byline
    )
    loader.add_value("authors", authors)
    published = [
        *page.all("article:published_time", "date.available", "datepublished"),
        *_ld_strings(page, "datePublished"),
        *_all_selected(scope, profile, "published", index),
        *page.all(*PUBLISHED_METAS),
        *_ld_strings(page, "dateCreated"),
    ]
    modified = [
        *page.all("article:modified_time", "date.modified", "og:updated_time", "datemodified"),
        *_ld_strings(page, "dateModified"),
        *_all_selected(scope, profile, "modified", index),
        *page.all(*MODIFIED_METAS),
    ]
    modified_at = most_precise(modified)
    # A page that says only when it was last updated was published that day or before: its
    # day is the best estimate the page gives (as htmldate, trafilatura's, also reads it).
    published_at = most_precise(published) or _shown_date(scope)
    loader.add_value("published_at", published_at or (modified_at or "")[:10] or None)
    loader.add_value("modified_at", modified_at)
    loader.add_value(
        "language",
        [page.lang, page.first("og:locale", "content-language"), *_ld_strings(page, "inLanguage")],
    )
    loader.add_value(
        "section",
        [
            *_select(scope, profile, "section", index),
            page.first("article:vertical", "article:section"),
            *_ld_strings(page, "articleSection"),
        ],
    )
    keywords = [k for v in page.all("news_keywords", "keywords") for k in split_list(v)]
    ld_keywords = [k for v in _ld_strings(page, "keywords") for k in split_list(v)]
    loader.add_value(
        "tags",
        _first_list(
            _select(scope, profile, "tags", index), page.all("article:tag"), ld_keywords, keywords
        ),
    )
    loader.add_value(
        "image_url", [page.first("og:image", "twitter:image"), *ld_urls(page.ld("image"))]
    )
    for name, metas in profile.meta.items():
        loader.add_value(name, page.all(*metas))
    loader.add_value("captions", _all_selected(scope, profile, "captions", index))
    # The sources line where the profile names it, else by its label inside the article's
    # container (``index`` is its index). On a whole page that search costs a tenth of
    # trafilatura's time: there the line is read from the text instead (clean_lines).
    lines = _select(scope, profile, "sources", index)
    if not lines and index is not None:
        lines = labelled_sources(scope)
    footer = [s for line in lines for s in (sources_of(line, profile.phrases) or [line])]
    loader.add_value("sources", [*agencies, *footer])
    fields: dict[str, Any] = loader.load_item()
    fields["descriptions"] = descriptions
    fields["headlines"] = headlines
    fields["standfirst_found"] = bool(standfirst)
    return fields
