"""What a spider yields for each fetch: the raw capture of a response (or of a fetch that
brought back none), and why a listing could not be read."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree
from scrapy import Request
from scrapy.http import Response

from newsbot.content_coding import CODING_META, MAX_SIZE_META
from newsbot.crawl.frontier import FETCH_COUNT_META
from newsbot.items import Capture, CaptureKind
from newsbot.listings import parse_xml_root

#: Request meta keys that travel with the capture as its crawl metadata.
CRAWL_META = (
    "newsbot_depth",
    "newsbot_listed",
    "newsbot_edition",
    "newsbot_found_in",
    "newsbot_previous_sha256",
    FETCH_COUNT_META,
    # Scrapy's count of retries: an error row says how many times the URL was asked for.
    "retry_times",
    MAX_SIZE_META,
)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def capture_from_response(response: Response, kind: CaptureKind, site: str) -> Capture:
    """The raw capture of a response: first requested URL, final URL, status, headers, body."""
    first_url = (
        response.request.meta.get("redirect_urls", [response.url])[0]
        if response.request
        else response.url
    )
    headers = [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in response.headers.items()
        for value in values
    ]
    return Capture(
        url=first_url,
        final_url=response.url,
        status=response.status,
        headers=headers,
        body=response.body,
        fetched_at=utc_now(),
        site=site,
        kind=kind,
        content_encoding=response.meta.get(CODING_META, "") if response.status == 200 else "",
        crawl_meta={k: response.meta[k] for k in CRAWL_META if k in response.meta},
    )


def failed_fetch(request: Request, site: str, kind: str, message: str) -> Capture:
    """The capture of a fetch that got no usable response: status 0 and why
    (``kind: message``, see :func:`newsbot.crawl.outcomes.describe_failure`)."""
    return Capture(
        url=request.meta.get("redirect_urls", [request.url])[0],
        final_url=request.url,
        status=0,
        headers=[],
        body=b"",
        fetched_at=utc_now(),
        site=site,
        kind=request.meta.get("newsbot_kind", "page"),
        error=f"{kind}: {message}",
    )


def not_a(what: str, body: bytes) -> str:
    """Why ``body`` is no ``what`` (sitemap, feed, section page) the crawl can read."""
    if not body.strip():
        return "an empty document"
    if what == "section":
        return "not an HTML page"
    root = parse_xml_root(body)
    if root is None:
        return f"not XML, so not a {what}"
    expected = "<sitemapindex> or <urlset>" if what == "sitemap" else "<rss>, <feed> or <rdf:RDF>"
    return f"an XML document of <{etree.QName(root).localname}>, not {expected}: not a {what}"
