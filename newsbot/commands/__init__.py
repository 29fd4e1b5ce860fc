"""newsbot's ``scrapy`` commands (``COMMANDS_MODULE``): ``scrapy crawl`` of a site profile runs
as ``newsbot crawl`` does (:mod:`newsbot.commands.crawl`), also under scrapyd."""
