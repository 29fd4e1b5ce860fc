"""SiteSpider: discovers a site's articles from its profile and fetches them. Nothing else.

Every response becomes one :class:`~newsbot.items.Capture` item, whatever its status; parsing
article fields is the pipelines' job. Sitemaps, feeds and section pages are read only to find
article URLs; article pages are not followed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from newsbot.content_coding import gunzip_capped
from newsbot.crawl.outcomes import (
    BodyTooLarge,
    Refusal,
    RobotsBlocked,
    describe_failure,
    unfetchable,
)
from newsbot.crawl.sink import refuse
from newsbot.extract.urls import MAX_URL_LENGTH, canonicalize_url
from newsbot.items import Capture, CaptureKind
from newsbot.listings import Entry, parse_feed, parse_section, parse_sitemap
from newsbot.sites import Profile, load_profile, split_root
from newsbot.spiders.capture import CRAWL_META, capture_from_response, failed_fetch, not_a
from newsbot.spiders.local import apply_local_settings

#: What a listing's parser reads from it.
L = TypeVar("L")

#: Statuses handed to callbacks instead of being dropped: an error page is still a capture, a
#: 304 answers a conditional request, and a redirect is kept as a capture of its own before
#: its target is requested (the web-archive way; Scrapy's own following would lose the 301
#: whenever its target was already fetched).
REDIRECTS = (301, 302, 303, 307, 308)
HANDLED_STATUSES = [*REDIRECTS, 304, *range(400, 600)]


def is_absolute(path: str) -> bool:
    """Whether a discovery source is a whole URL rather than a path under an edition's root."""
    return path.startswith(("https://", "http://"))


#: Where an article was found → how soon in a run it is fetched (Scrapy request priority; the
#: frontier keeps it too, so resumed work comes back in the same order).
PRIORITY = {"news_sitemap": 20, "feed": 15, "section": 10, "sitemap": 5, "resume": 5, "related": 0}


class SiteSpider(scrapy.Spider):
    """Crawl the editions of one profiled site: ``-a editions=de,en -a base_url=URL``;
    ``-a "urls=URL URL"`` fetches those articles instead of discovering.

    Subclasses name the spider and its profile (``site``): the spider loader makes one per
    profile (:func:`newsbot.spiders.loader.spider_class`). This base class has no name, so
    Scrapy does not list it as a spider of its own.
    """

    site = "generic"

    def __init__(
        self,
        *args: Any,
        editions: str = "",
        base_url: str = "",
        urls: str | Sequence[str] = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # From the command line a string of URLs separated by spaces; from Python a list.
        self.urls = urls.split() if isinstance(urls, str) else list(urls)
        self.profile: Profile = load_profile(self.site)
        codes = [c.strip() for c in editions.split(",") if c.strip()]
        if self.profile.editions:
            self.roots = self.profile.edition_roots(codes, base_url or None)
            # Every edition's root, to tell an edition under another's path (bbc.com/mundo
            # under bbc.com) from the one whose root holds it.
            self.all_roots = self.profile.edition_roots(
                list(self.profile.editions), base_url or None
            )
        elif base_url:
            self.roots = self.all_roots = {"site": base_url.rstrip("/")}
        else:
            raise ValueError(f"the {self.site} profile has no editions: give a base URL")
        # Listings the profile names by a whole URL (a sitemap at the host's root, feeds on
        # another host): read on the real site only, their hosts allowed beside the editions'.
        self.listings = [] if base_url else self._absolute_listings()
        self.listing_hosts = {urlsplit(url).hostname or "" for _, _, url in self.listings}
        self.allowed_domains = sorted(
            {urlsplit(root).hostname or "" for root in self.roots.values()} | self.listing_hosts
        )
        self.section_pages = self.profile.discovery.section_pages

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.section_pages = crawler.settings.getint(
            "NEWSBOT_SECTION_PAGES", spider.profile.discovery.section_pages
        )
        # Scrapy freezes the settings after making the spider: the last moment to drop the
        # politeness delays for a site on this machine, whoever started the crawl.
        if not crawler.settings.frozen and apply_local_settings(
            crawler.settings, spider.roots.values()
        ):
            spider.logger.info("a site on this machine: no politeness delays")
        return spider

    def _absolute_listings(self) -> list[tuple[str, str, str]]:
        """(kind, edition code, URL) of the discovery sources written as whole URLs, for the
        crawled editions, each URL once ({language}, {code} and {path}, the edition's path
        without slashes, filled in per edition)."""
        disc = self.profile.discovery
        kinds = [
            *(("sitemap", p) for p in (*disc.sitemap_indexes, *disc.news_sitemaps)),
            *(("feed", p) for p in disc.feeds),
            *(("section", p) for p in disc.sections),
        ]
        seen: dict[str, tuple[str, str, str]] = {}
        for code in self.roots:
            edition = self.profile.editions.get(code)
            language = edition.language if edition else ""
            for kind, path in kinds:
                if is_absolute(path):
                    where = edition.path.strip("/") if edition else code
                    url = path.format(language=language, code=code, path=where or code)
                    seen.setdefault(url, (kind, code, url))
        return list(seen.values())

    def is_listing(self, url: str) -> bool:
        """Whether a listing (sitemap, feed, section page) at ``url`` is read: under a crawled
        edition, or on a host the profile names a listing on (a sitemap index's children)."""
        return bool(self.where(url)) or (urlsplit(url).hostname or "") in self.listing_hosts

    def where(self, url: str) -> tuple[str, str] | None:
        """(edition code, path relative to its root) of a URL of the crawled editions, else
        None (another site, or another edition of this one)."""
        found = split_root(url, self.all_roots)
        return found if found is not None and found[0] in self.roots else None

    # --- requests ------------------------------------------------------------------------------

    def _request(self, url: str, kind: CaptureKind, callback: Any, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta={
                "newsbot_kind": kind,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "dont_redirect": True,
                **meta,
            },
        )

    async def start(self) -> AsyncIterator[Any]:
        if self.urls:
            for url in self.urls:
                if (request := self.article_request(url, found_in="start")) is not None:
                    # Asked for by name: fetched even when the frontier says it is not due.
                    request.meta["newsbot_force"] = True
                    yield request
            return
        disc = self.profile.discovery
        callbacks = {
            "sitemap": self.parse_sitemap,
            "feed": self.parse_feed,
            "section": self.parse_section,
        }
        for code, root in self.roots.items():
            edition = self.profile.editions.get(code)
            language = edition.language if edition else ""
            for kind, paths in (
                ("sitemap", (*disc.sitemap_indexes, *disc.news_sitemaps)),
                ("feed", disc.feeds),
                ("section", disc.sections),
            ):
                for path in paths:
                    if not is_absolute(path):
                        url = root + path.format(language=language, code=code)
                        yield self._request(url, kind, callbacks[kind], page=1)  # type: ignore[arg-type]
        for kind, _, url in self.listings:
            yield self._request(url, kind, callbacks[kind], page=1)  # type: ignore[arg-type]

    def request_for(self, url: str, kind: str, found_in: str = "resume") -> scrapy.Request | None:
        """A request for a URL the frontier knows, by the kind of page it is (resumed runs;
        ``found_in``: where an article was listed, when it is fed from the frontier)."""
        if kind == "article":
            return self.article_request(url, found_in=found_in)
        callbacks = {
            "sitemap": self.parse_sitemap,
            "feed": self.parse_feed,
            "section": self.parse_section,
        }
        if kind not in callbacks or not self.is_listing(url):
            return None
        # A resumed section page is read, but does not start its pagination over: the run's
        # own first pages of each section do that.
        return self._request(
            url,
            kind,  # type: ignore[arg-type]
            callbacks[kind],
            newsbot_found_in="resume",
            page=self.section_pages,
        )

    def article_request(
        self, url: str, entry: Entry | None = None, *, found_in: str = "listing", depth: int = 0
    ) -> scrapy.Request | None:
        """A request for ``url`` if it is an article of this site, else None (counted).
        ``depth`` counts the related links followed to reach it (0: listed by the site)."""
        canonical = canonicalize_url(url, strip_params=self.profile.strip_params)
        where = self.where(canonical) if canonical else None
        if canonical is None and len(url) > MAX_URL_LENGTH:
            kind, message = unfetchable(url, "link")
            refuse(self.crawler, Refusal(url[:MAX_URL_LENGTH], self.profile.slug, kind, message))
        if canonical is None or where is None:
            self.crawler.stats.inc_value("newsbot/skipped/offsite_or_bad_url")
            return None
        if not self.profile.is_article_path(where[1]):
            self.crawler.stats.inc_value("newsbot/skipped/not_article_url")
            return None
        meta: dict[str, Any] = {
            "newsbot_edition": where[0],
            "newsbot_found_in": found_in,
            "newsbot_depth": depth,
        }
        if entry is not None:
            meta["newsbot_listed"] = {"lastmod": entry.lastmod, "published_at": entry.published_at}
        request = self._request(canonical, "article", self.parse_article, **meta)
        # Fresh news first within a run; articles only linked from others last.
        request.priority = PRIORITY.get(found_in, 0)
        return request

    # --- callbacks -----------------------------------------------------------------------------

    def _capture(self, response: Response) -> Capture:
        kind: CaptureKind = response.meta.get("newsbot_kind", "page")
        return capture_from_response(response, kind, self.profile.slug)

    @staticmethod
    def _readable(response: Response) -> bool:
        """A listing to read: a 200, or a 304 whose stored body came back with it (never a
        redirect or an error page)."""
        return response.status == 200 or "newsbot_stored_body" in response.meta

    def _listing(
        self, response: Response, what: str, parse: Callable[[bytes], L | None]
    ) -> tuple[list[Any], L | None]:
        """A listing's outputs (its capture; for a redirect, the request for its target) and
        what ``parse`` reads in it, None when there is nothing to read. A listing that cannot
        be read (a broken gzip file, a document that is not a ``what``) is a failed fetch: its
        capture says why, so it is an error row and counts towards NEWSBOT_MAX_FAILURES."""
        if not self._readable(response):
            return list(self._answered(response)), None
        capture = self._capture(response)
        # A 304 to a listing: read the body stored last time, its links still count.
        body: bytes = response.meta.get("newsbot_stored_body", response.body)
        listing, reason = None, None
        try:
            if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served as a file, not an encoding
                body = gunzip_capped(body, self.settings.getint("DOWNLOAD_MAXSIZE") or 2**30)
            listing = parse(body)
        except ValueError as exc:
            reason = str(exc)
        if listing is None:
            reason = reason or not_a(what, body)
            self.logger.warning("unreadable %s %s: %s", what, response.url, reason)
            self.crawler.stats.inc_value(f"newsbot/discovery/unreadable_{what}")
            capture.error = f"unreadable_{what}: {reason}"
        return [capture], listing

    def _answered(self, response: Response) -> Iterator[Any]:
        """Every response's capture; for a redirect also the request for its target."""
        if response.status in REDIRECTS:
            yield from self._redirect(response)
        else:
            yield self._capture(response)

    def _redirect(self, response: Response) -> Iterator[Any]:
        """A redirect's capture, then a request for its target (same kind of page, same
        callback) when the target is on the crawled site and the chain is not too long."""
        yield self._capture(response)
        location = response.headers.get("Location")
        hops = response.meta.get("newsbot_hops", 0) + 1
        target = (
            canonicalize_url(location.decode("latin-1"), base=response.url) if location else None
        )
        refused = None
        if location and target is None:
            refused = unfetchable(location.decode("latin-1"), "redirect")
        elif target is not None and hops > self.settings.getint("REDIRECT_MAX_TIMES", 20):
            refused = (
                "redirect_loop",
                f"more than {hops - 1} redirects in a row, the last to {target}",
            )
        if refused is not None:
            yield Refusal(
                response.url,
                self.profile.slug,
                *refused,
                page_kind=response.meta.get("newsbot_kind", "page"),
            )
        if target is None or refused is not None:
            self.crawler.stats.inc_value("newsbot/redirects/not_followed")
            return
        kind = response.meta.get("newsbot_kind", "page")
        meta = {k: response.meta[k] for k in CRAWL_META if k in response.meta}
        if kind == "article":
            request = self.article_request(
                target,
                found_in=meta.get("newsbot_found_in", "listing"),
                depth=meta.get("newsbot_depth", 0),
            )
        elif self.where(target) and response.request is not None:
            request = self._request(target, kind, response.request.callback, **meta)
        else:
            request = None
        if request is None:
            self.crawler.stats.inc_value("newsbot/redirects/not_followed")
            return
        request.meta["newsbot_hops"] = hops
        self.crawler.stats.inc_value("newsbot/redirects/followed")
        yield request

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        outputs, listing = self._listing(response, "sitemap", parse_sitemap)
        yield from outputs
        if listing is None:
            return
        for entry in listing.entries:
            if listing.kind == "index":
                child = canonicalize_url(entry.url, base=response.url)
                if child and self.is_listing(child):
                    yield self._request(
                        child, "sitemap", self.parse_sitemap, newsbot_found_in="sitemap"
                    )
            else:
                # A Google News sitemap gives a publication date; a plain one at most a lastmod.
                found_in = "news_sitemap" if entry.published_at else "sitemap"
                if request := self.article_request(entry.url, entry, found_in=found_in):
                    yield request

    def parse_feed(self, response: Response) -> Iterator[Any]:
        outputs, listing = self._listing(response, "feed", parse_feed)
        yield from outputs
        if listing is None:
            return
        for entry in listing.entries:
            if (request := self.article_request(entry.url, entry, found_in="feed")) is not None:
                yield request

    def parse_section(self, response: Response) -> Iterator[Any]:
        encoding = getattr(response, "encoding", "utf-8")
        outputs, page = self._listing(
            response, "section", lambda body: parse_section(body, encoding)
        )
        yield from outputs
        if page is None:
            return
        # A listing links each article several times (picture, title, label): once is enough.
        urls = dict.fromkeys(canonicalize_url(href, base=response.url) for href in page.links)
        for url in urls:
            if (
                url
                and self.where(url)
                and (request := self.article_request(url, found_in="section"))
            ):
                yield request
        number = response.meta.get("page", 1)
        if page.next_page and number < self.section_pages:
            next_url = canonicalize_url(page.next_page, base=response.url)
            if next_url and self.where(next_url):
                yield self._request(
                    next_url,
                    "section",
                    self.parse_section,
                    page=number + 1,
                    newsbot_found_in="section",
                )

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self._answered(response)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """A fetch that got no usable response is still recorded: a capture with status 0 and
        why (``kind: reason``); a URL robots.txt forbids becomes a :class:`Refusal`."""
        request = failure.request  # type: ignore[attr-defined]
        kind: CaptureKind = request.meta.get("newsbot_kind", "page")
        if isinstance(failure.value, RobotsBlocked):
            yield Refusal(
                request.url, self.profile.slug, "robots", str(failure.value), kind, block=True
            )
            return
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, BodyTooLarge):
            # Refused before any fetch (offsite): nothing was fetched, nothing to keep.
            self.crawler.stats.inc_value("newsbot/skipped/ignored")
            return
        stopping = not getattr(self.crawler.engine, "running", True)
        yield failed_fetch(
            request, self.profile.slug, *describe_failure(failure, self.settings, stopping=stopping)
        )
