"""``scrapy crawl SITE``: a site profile's crawl as ``newsbot crawl SITE`` runs it.

The same checks before Scrapy starts (an unknown site or edition, a locked or damaged archive
end in one line and exit 2 or 1, no traceback), the same politeness rules, the same summary
line on stdout at the end and the same exit codes (:attr:`newsbot.runner.CrawlOutcome.exit_code`:
1 when the site could not be crawled, 130 after Ctrl-C). scrapyd runs its jobs through this
command too, so a job that could not run exits non-zero, and its log file (``LOG_FILE``) ends
with the same line. Scrapy's own log is left as Scrapy writes it.

Spider arguments: ``-a editions=de,en``, ``-a base_url=URL``, ``-a "urls=URL URL"`` (scrapyd's
``_job`` is accepted and ignored). A spider written in Python runs as Scrapy's own
``crawl`` runs it.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.log import configure_logging

from newsbot.sites import ProfileError

logger = logging.getLogger(__name__)

#: The spider arguments of a site profile's spider (:class:`~newsbot.spiders.site.SiteSpider`).
SPIDER_ARGUMENTS = ("editions", "base_url", "urls")
#: Spider arguments scrapyd adds to every job, for the spider's information only.
SCRAPYD_ARGUMENTS = ("_job",)


def is_profile_spider(settings: BaseSettings, name: str) -> bool:
    """Whether ``scrapy crawl name`` is newsbot's crawl: the spider of a site profile, or a
    name no spider has (newsbot's one line then names the sites there are). False for a
    spider written in Python."""
    from newsbot.spiders.loader import spider_class

    try:
        spider = get_spider_loader(settings).load(name)
    except (KeyError, ProfileError):
        return True
    return spider is spider_class(name)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Crawl a site profile as `newsbot crawl` does (or run a Python spider)"

    def long_desc(self) -> str:
        return (
            "Crawl a site profile into NEWSBOT_ARCHIVE as `newsbot crawl` does: one summary "
            "line on stdout at the end, exit code 0 when the run completed, 1 when it could "
            "not, 2 for bad input. Spider arguments: -a editions=de,en, -a base_url=URL, "
            '-a "urls=URL URL". A spider written in Python runs as Scrapy runs it.'
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Scrapy makes its crawler process after this, only when the command asks for one:
        # a profile's crawl makes its own, as `newsbot crawl` does.
        self.requires_crawler_process = len(args) != 1 or not is_profile_spider(
            self.settings, args[0]
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if self.requires_crawler_process:
            super().run(args, opts)
            return
        from newsbot.cli.common import parse_editions
        from newsbot.report import format_run_line
        from newsbot.runner import CrawlSetupError, crawl_report, run_crawl

        assert self.settings is not None
        arguments: dict[str, Any] = dict(opts.spargs)
        for name in SCRAPYD_ARGUMENTS:
            arguments.pop(name, None)
        unknown = sorted(set(arguments) - set(SPIDER_ARGUMENTS))
        if unknown:
            self._fail(
                f"unknown spider argument {unknown[0]!r}"
                f" ({args[0]} takes {', '.join(SPIDER_ARGUMENTS)})"
            )
        archive = str(self.settings.get("NEWSBOT_ARCHIVE"))
        try:
            outcome = run_crawl(
                args[0],
                archive=archive,
                editions=parse_editions(arguments.get("editions", "")),
                base_url=arguments.get("base_url") or None,
                urls=str(arguments.get("urls", "")).split(),
                settings=self.settings,
            )
        except CrawlSetupError as exc:
            self._fail(str(exc), exc.exit_code)
        line = format_run_line(crawl_report(archive, outcome))
        if self.settings.get("LOG_FILE"):
            # The last line of a scrapyd job's log; an error when the run did not complete.
            logger.log(logging.INFO if outcome.ok else logging.ERROR, "%s", line)
        print(line, flush=True)
        self.exitcode = outcome.exit_code

    def _fail(self, message: str, code: int = 2) -> NoReturn:
        """One line on stderr, as `newsbot crawl` says it, and in the log file if there is
        one (a scrapyd job's log: its stderr goes to scrapyd's own)."""
        from newsbot.cli.common import fail

        assert self.settings is not None
        if self.settings.get("LOG_FILE"):
            configure_logging(self.settings)
            logger.error("%s", message)
        fail(message, code)
