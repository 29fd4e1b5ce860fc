"""Stopping with the reactor: what must happen even when a crawl is stopped at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.utils.reactor import is_reactor_installed


def at_forced_stop(callback: Callable[[], None]) -> None:
    """Call ``callback`` when the reactor stops, also when it is stopped before the spider
    closed (which then never closes: Scrapy's second Ctrl-C stops the reactor at once). It
    must do nothing once the spider closed normally."""
    from twisted.internet import reactor

    if is_reactor_installed():
        # (Any: without the zope plugin mypy reads the interface's methods as unbound.)
        core: Any = reactor
        core.addSystemEventTrigger("before", "shutdown", callback)
