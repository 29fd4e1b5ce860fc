"""The site ``newsbot demo`` serves: a small Euronews-style news site in three editions (en, de,
fr) whose stories the project wrote (``stories/*.toml``), rendered deterministically in the markup
of the real site's 2024 and 2026 templates with the words of ``labels.toml``, and served on a
local address by the project's own HTTP server::

    with DemoServer() as server:
        ...  # crawl server.base_url + "/en", "/de", "/fr"

What tests and benchmarks need beyond that (the truth of each page, edits between crawls, slow
or throttled answers, the large generated site, the extraction fixtures' pages, the hostile
server) lives outside the package, in the repository's ``sitegen`` folder.
"""

from newsbot.demo.responses import DemoResponse
from newsbot.demo.server import DemoServer
from newsbot.demo.site import DemoSite

__all__ = ["DemoResponse", "DemoServer", "DemoSite"]
