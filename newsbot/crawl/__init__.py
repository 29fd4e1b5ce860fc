"""The Scrapy glue of a crawl, beside the spiders (:mod:`newsbot.spiders`), in the order a page
goes through it:

- :mod:`~newsbot.crawl.frontier`: the frontier gate (spider middleware): what is discovered is
  recorded in the archive, only what is due is fetched.
- :mod:`~newsbot.crawl.fetch`: downloader middlewares: robots.txt, Retry-After, conditional
  requests, compression bombs, gzipped pages left for the workers.
- :mod:`~newsbot.crawl.extraction`: each article page read into its article in worker
  processes (spider middleware), then :mod:`~newsbot.crawl.follow`: its related articles
  requested, through the frontier gate.
- :mod:`~newsbot.crawl.pipelines`: the link kinds kept, then each item handed to the sink.
- :mod:`~newsbot.crawl.sink`: where items go; :mod:`~newsbot.crawl.archive_extension`: the
  default sink, the one component that owns the archive, its lock and the run row.

:mod:`~newsbot.crawl.outcomes` says what a fetch that brought back no page becomes,
:mod:`~newsbot.crawl.error_rows` which error rows a capture gets, and
:mod:`~newsbot.crawl.workers` where pages are read and decoded.
"""
