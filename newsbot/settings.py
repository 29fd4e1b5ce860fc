"""Scrapy settings of newsbot: polite defaults for real sites. Each value says why it is set.

Everything newsbot adds is prefixed ``NEWSBOT_``; the command line maps its flags onto these.
"""

from newsbot import __version__

BOT_NAME = "newsbot"
# Every site profile is a spider named by its slug (no Python file per site); spiders written
# in Python still load from SPIDER_MODULES.
SPIDER_LOADER_CLASS = "newsbot.spiders.loader.ProfileSpiderLoader"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"
# `scrapy crawl SITE` (and scrapyd's jobs) run as `newsbot crawl SITE`: its checks, summary line
# and exit codes.
COMMANDS_MODULE = "newsbot.commands"

# Say who we are; set USER_AGENT to include a contact address for the sites you crawl.
USER_AGENT = f"newsbot/{__version__} (news archive crawler; Scrapy)"
# Sites say what they do not want crawled; we listen.
ROBOTSTXT_OBEY = True
# Adapt the pace to the server's latency, never faster than one request per second per site.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Every response gives at most one item (its capture). Scrapy starts CONCURRENT_ITEMS tasks for
# each response's output whatever its length: 100 by default, 99 of them for nothing.
CONCURRENT_ITEMS = 1
# A news page is a few hundred KB; anything near Scrapy's 1 GiB default is a trap or an accident.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# Articles need no session; cookies would only carry consent and tracking state between pages.
COOKIES_ENABLED = False
# A crawl opens no listening port: no telnet console, and none of Scrapy 2.19's remote-control
# HTTP server (it runs Python sent to it, and writes a job file with its token under ~).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# asyncio reactor: extraction runs in a process pool awaited from an async spider middleware.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

EXTENSIONS = {
    # The crawl's sink: opens the archive, holds its lock, records the run, writes every item.
    # A node that keeps no archive disables it and enables its own sink (newsbot/crawl/sink.py).
    "newsbot.crawl.archive_extension.ArchiveExtension": 100,
}
SPIDER_MIDDLEWARES = {
    # Each article page read into its article (in worker processes), before it leaves the spider.
    "newsbot.crawl.extraction.ExtractMiddleware": 990,
    # Related articles of each article requested, to NEWSBOT_FOLLOW_RELATED_DEPTH (off at 0).
    "newsbot.crawl.follow.FollowRelatedMiddleware": 970,
    # Records every discovered URL in the archive's frontier; lets through only what is due.
    "newsbot.crawl.frontier.FrontierMiddleware": 950,
}
DOWNLOADER_MIDDLEWARES = {
    # robots.txt checked for every request, also those that wait while it is being fetched.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsbot.crawl.fetch.RobotsTxtMiddleware": 100,
    # Retries that honour Retry-After (429, 503) instead of Scrapy's plain ones.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.crawl.fetch.RetryAfterMiddleware": 550,
    # A 304 to a listing brings back its stored body, so its links are still read.
    "newsbot.crawl.fetch.ConditionalRequestMiddleware": 580,
    # A compression bomb is a recorded failure, not a response dropped with only a warning.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsbot.crawl.fetch.HttpCompressionMiddleware": 590,
    # Gzipped article pages are decoded by the extraction workers, off the event loop.
    "newsbot.crawl.fetch.DeferredDecodingMiddleware": 595,
}
# Never cache: conditional requests with the archive's ETag/Last-Modified do that job.
HTTPCACHE_ENABLED = False
# Requests seen kept as 8-byte numbers, not Scrapy's 20-byte fingerprints (memory per URL).
DUPEFILTER_CLASS = "newsbot.crawl.dupefilter.CompactDupeFilter"

ITEM_PIPELINES = {
    # Only the link kinds of NEWSBOT_LINK_KINDS are kept.
    "newsbot.crawl.pipelines.LinkKindsPipeline": 400,
    # Each finished item handed to the crawl's sink (the archive, by default).
    "newsbot.crawl.pipelines.SinkPipeline": 900,
}

# The SQLite archive every crawl writes to.
NEWSBOT_ARCHIVE = "archive/newsbot.db"
# Folders of your own site profiles (*.toml), beside the bundled ones, separated by os.pathsep
# (":" on Linux); empty: the NEWSBOT_PROFILES environment variable, if set.
NEWSBOT_PROFILES = ""
# Extraction processes: 0 = one per core, -1 = in the crawler process (debugging).
NEWSBOT_EXTRACT_WORKERS = 0
# Gzipped article pages decoded by the extraction workers, not by the crawler's event loop.
NEWSBOT_DECODE_IN_WORKERS = True
# Seconds one page may take to extract before it is recorded as an error and skipped.
NEWSBOT_EXTRACT_TIMEOUT = 20.0
# Related links followed from listed articles (0: only what the site lists).
NEWSBOT_FOLLOW_RELATED_DEPTH = 0
# Fetch only what is new, changed, failed or scheduled (False: everything discovered, every run).
NEWSBOT_INCREMENTAL = True
# Fetch young articles again this long after publication, e.g. "1h,1d,7d" (empty: never).
NEWSBOT_RECRAWL_SCHEDULE = ""
# Runs on which a failing URL is tried again before it is left alone.
NEWSBOT_MAX_FAILURES = 3
# Stored pages a site needs before a crawl's end gives it a zstd dictionary that stores its next
# pages several times smaller (0: only `newsbot compress` makes dictionaries).
NEWSBOT_DICTIONARY_AFTER = 10
# The longest Retry-After (seconds) a crawl waits for; longer ones wait this long.
NEWSBOT_RETRY_AFTER_MAX = 300
# A crawl spread over processes and machines (`newsbot crawl --redis`, `newsbot node`): the Redis
# of its queue, redis://HOST:PORT/DB; empty: a local crawl, which loads nothing of Redis.
NEWSBOT_REDIS_URL = ""
# Seconds a request taken by a process that stopped answering (killed, cut off) waits in its
# lease before it is queued again; its process renews it every quarter of that while it works.
NEWSBOT_REDIS_LEASE = 60
# The most URLs read from one sitemap (the protocol's own limit); the rest is one error row.
NEWSBOT_SITEMAP_MAX_URLS = 50_000
# How deep sitemap indexes may nest below a start listing; deeper ones are error rows, unread.
NEWSBOT_SITEMAP_DEPTH = 4
# Link kinds recorded in the links table.
NEWSBOT_LINK_KINDS = ["related", "inline-related", "translation", "inline"]
