"""Bounds on what one sitemap can make a crawl do: how many URLs it is read for
(``NEWSBOT_SITEMAP_MAX_URLS``) and how deep sitemap indexes may nest (``NEWSBOT_SITEMAP_DEPTH``).

A hostile site can list a million URLs in one sitemap, or serve an index of an index of an
index without end: the crawl would then never finish. Past either bound the crawl reads no
further and records why, as an error row.

The depth travels with the request (meta ``newsbot_sitemap_depth``: 0 for a listing the spider
starts from, 1 for a sitemap one of those lists …) and with the frontier, as the request's
priority (``-depth``: deeper sitemaps come later), so a sitemap resumed by a later run keeps
its depth and a chain of indexes cannot grow by a few more levels every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy import Request
from scrapy.settings import BaseSettings

from newsbot import settings as defaults
from newsbot.crawl.outcomes import Refusal

#: Request meta key: how many sitemap indexes lie between the request and a start listing.
DEPTH_META = "newsbot_sitemap_depth"
#: The defaults, for settings that do not come from newsbot.settings (where they are explained).
MAX_URLS: int = defaults.NEWSBOT_SITEMAP_MAX_URLS
MAX_DEPTH: int = defaults.NEWSBOT_SITEMAP_DEPTH


@dataclass(frozen=True)
class SitemapBounds:
    max_urls: int = MAX_URLS
    max_depth: int = MAX_DEPTH

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SitemapBounds:
        return cls(
            max_urls=settings.getint("NEWSBOT_SITEMAP_MAX_URLS", MAX_URLS),
            max_depth=settings.getint("NEWSBOT_SITEMAP_DEPTH", MAX_DEPTH),
        )


def resumed_depth(priority: int) -> int:
    """The depth of a sitemap the frontier kept with ``priority``."""
    return max(0, -priority)


def set_depth(request: Request, depth: int) -> None:
    request.meta[DEPTH_META] = depth
    request.priority = -depth


@dataclass
class SitemapReading:
    """The requests one sitemap response gives, admitted one by one within the bounds."""

    url: str
    site: str
    depth: int
    bounds: SitemapBounds
    listed: int = 0
    too_deep: list[str] = field(default_factory=list)

    def admit(self, request: Request) -> bool:
        """Whether ``request`` is within the bounds; a sitemap it lists gets its depth."""
        self.listed += 1
        if self.bounds.max_urls and self.listed > self.bounds.max_urls:
            return False
        if request.meta.get("newsbot_kind") == "sitemap":
            depth = self.depth + 1
            if depth > self.bounds.max_depth:
                self.too_deep.append(request.url)
                return False
            set_depth(request, depth)
        return True

    def refusals(self) -> list[Refusal]:
        """Error rows for what the bounds left unread."""
        out = [
            Refusal(
                url,
                self.site,
                "sitemap_too_deep",
                f"a sitemap index {self.depth + 1} levels below the start listing, deeper than"
                f" NEWSBOT_SITEMAP_DEPTH ({self.bounds.max_depth}): not read",
                "sitemap",
            )
            for url in self.too_deep
        ]
        if self.bounds.max_urls and self.listed > self.bounds.max_urls:
            out.append(
                Refusal(
                    self.url,
                    self.site,
                    "too_many_urls",
                    f"the sitemap lists {self.listed} URLs, more than NEWSBOT_SITEMAP_MAX_URLS"
                    f" ({self.bounds.max_urls}): only the first {self.bounds.max_urls} were read",
                    "sitemap",
                )
            )
        return out
