"""What `scrapy startproject` writes, with the pace newsbot's crawl takes on 127.0.0.1
(newsbot.runner.LOCAL_SETTINGS) instead of the template's one request a second."""

BOT_NAME = "plainnews"
SPIDER_MODULES = ["plainnews.spiders"]
NEWSPIDER_MODULE = "plainnews.spiders"
ADDONS: dict[str, int] = {}
ROBOTSTXT_OBEY = True
FEED_EXPORT_ENCODING = "utf-8"

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 64
RETRY_TIMES = 1
# As newsbot runs: INFO (Scrapy's DEBUG logs every request and trafilatura's every decision),
# no telnet console, no remote-control server.
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ITEM_PIPELINES = {"plainnews.pipelines.SqlitePipeline": 300}
# The SQLite file the pipeline writes (sqlite-utils).
ARCHIVE = "plainnews.db"
