"""Extraction: page bytes + URL + site profile → a clean Article (or NotArticle saying why).

Pure functions, no Scrapy, no network, no database: the crawl's pipelines and offline
re-extraction run this same code.
"""

from newsbot import EXTRACT_RULES
from newsbot.extract.article import (
    Extraction,
    extract_article,
    extract_page,
    extractor_version,
    parse_html,
)
from newsbot.extract.text import filter_lines, is_furniture_line
from newsbot.extract.urls import canonicalize_url
from newsbot.items import Article, Link, NotArticle

__all__ = [
    "EXTRACT_RULES",
    "Article",
    "Extraction",
    "Link",
    "NotArticle",
    "canonicalize_url",
    "extract_article",
    "extract_page",
    "extractor_version",
    "filter_lines",
    "is_furniture_line",
    "parse_html",
]
