"""The bundled demo site: a small Euronews-style news site in three editions (en, de, fr).

Its stories are written by the project (``stories/*.toml``); its pages are generated
deterministically in the markup of the real site's 2024 and 2026 templates and served on a
local address by the project's own HTTP server. :class:`DemoSite` holds the known truth that
end-to-end tests compare a crawl's archive with::

    with DemoServer() as server:
        ...  # crawl server.base_url + "/en", "/de", "/fr"
        truth = server.site.articles

The extraction fixtures (tests/fixtures/build_extract_fixtures.py) render the same stories, the
fixture stories of the other editions and a few pages of other kinds (class-less older articles,
a live blog, listings, other sites) as the real site serves them, each edition on its own host:
see :mod:`newsbot.demo.hosted` and, for their expected extraction, :mod:`newsbot.demo.expected`.

For crawls between which a page changes, :meth:`DemoSite.change_article` edits one article. For
benchmarks and crash tests, :class:`GeneratedSite` serves thousands of generated articles with the
same interface (:class:`ServedSite`), and the server can answer slowly or throttle paths::

    with DemoServer(GeneratedSite(2000), latency=0.01) as server:
        server.throttle("/en/sitemaps/en/articles.xml", status=503, retry_after=2)
        ...  # crawl; server.request_log holds (method, path_and_query, at, status) records
"""

from newsbot.demo.generated import GeneratedSite
from newsbot.demo.served import ServedSite
from newsbot.demo.server import DemoServer, ServedRequest
from newsbot.demo.site import DemoArticle, DemoResponse, DemoSite

__all__ = [
    "DemoArticle",
    "DemoResponse",
    "DemoServer",
    "DemoSite",
    "GeneratedSite",
    "ServedRequest",
    "ServedSite",
]
