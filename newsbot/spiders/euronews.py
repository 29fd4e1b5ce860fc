"""The Euronews spider: every edition of euronews.com, or a mirror of it (``base_url``)."""

from newsbot.spiders.site import SiteSpider


class EuronewsSpider(SiteSpider):
    name = "euronews"
    site = "euronews"
