"""Any site without a profile: its sitemap and home page, read with the generic profile."""

from newsbot.spiders.site import SiteSpider


class GenericSpider(SiteSpider):
    name = "generic"
    site = "generic"
