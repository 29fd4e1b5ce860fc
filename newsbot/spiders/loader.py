"""Every site profile is a spider: Scrapy's spider loader, extended to make one per profile.

``SPIDER_LOADER_CLASS = "newsbot.spiders.loader.ProfileSpiderLoader"`` lets ``scrapy crawl dw``,
``scrapy list`` and ``newsbot crawl dw`` find a site from its TOML file alone: each profile,
bundled or in a folder of ``NEWSBOT_PROFILES``, is a :class:`SiteSpider` subclass named by its
slug. Spiders written in Python (``SPIDER_MODULES``) still load, and win over a profile of the
same name.
"""

from __future__ import annotations

import builtins
import re
from functools import cache
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from newsbot.sites import (
    PROFILES_VARIABLE,
    ProfileError,
    known_sites,
    load_profile,
    profile_dirs,
    use_profile_dirs,
)
from newsbot.spiders.site import SiteSpider


def apply_profile_setting(settings: BaseSettings) -> tuple[Path, ...]:
    """Tell :mod:`newsbot.sites` the folders of a user's profiles named by the
    ``NEWSBOT_PROFILES`` setting (a list, or folders separated by ``os.pathsep``); when it is
    empty, the folders stay as they were (by default those of the environment variable of the
    same name). Returns the folders in use; raises ProfileError for a folder that is not one."""
    value: Any = settings.get(PROFILES_VARIABLE)
    if value:
        return use_profile_dirs(value)
    return profile_dirs()


@cache
def spider_class(slug: str) -> type[SiteSpider]:
    """The spider of the site profile ``slug`` (made once per process)."""
    name = "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", slug)) + "Spider"
    cls = type(name, (SiteSpider,), {"name": slug, "site": slug, "__module__": __name__})
    cls.__doc__ = f"The {slug} site, as its profile describes it."
    return cls


class ProfileSpiderLoader(SpiderLoader):
    """Scrapy's spider loader plus one spider per site profile (see the module docstring)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        apply_profile_setting(settings)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def list(self) -> list[str]:
        return sorted({*super().list(), *known_sites()})

    def load(self, spider_name: str) -> type[Spider]:
        """The Python spider of that name, else the spider of the profile of that slug
        (a broken profile raises its ProfileError); KeyError when there is neither."""
        try:
            return super().load(spider_name)
        except KeyError:
            if spider_name not in known_sites():
                raise
        load_profile(spider_name)
        return spider_class(spider_name)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        host = urlsplit(request.url).hostname or ""
        found = super().find_by_request(request)
        for slug in known_sites():
            try:
                owns = load_profile(slug).owns_host(host)
            except ProfileError:
                continue  # a broken profile owns nothing until it is fixed
            if owns and slug not in found:
                found.append(slug)
        return found
