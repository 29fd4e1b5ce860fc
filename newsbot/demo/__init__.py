"""The bundled demo site: a small Euronews-style news site in three editions (en, de, fr).

Its stories are written by the project (``stories/*.toml``); its pages are generated
deterministically in the markup of the real site's 2024 and 2026 templates and served on a
local address by the project's own HTTP server. :class:`DemoSite` holds the known truth that
end-to-end tests compare a crawl's archive with::

    with DemoServer() as server:
        ...  # crawl server.base_url + "/en", "/de", "/fr"
        truth = server.site.articles
"""

from newsbot.demo.server import DemoServer
from newsbot.demo.site import DemoArticle, DemoResponse, DemoSite

__all__ = ["DemoArticle", "DemoResponse", "DemoServer", "DemoSite"]
