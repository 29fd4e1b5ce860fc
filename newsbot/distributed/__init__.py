"""A crawl spread over processes and machines: one frontier queue in Redis, one archive.

The coordinator (``newsbot crawl SITE --redis URL``) decides what is due exactly as a local
crawl does, queues it in Redis, fetches like any node and is the single writer of the archive.
Nodes (``newsbot node --redis URL``) take requests from that queue, fetch and extract them with
the same spider, middlewares and extraction code, and send what they made back through a Redis
stream the coordinator drains into the archive.

Nothing in this package is imported unless Redis is configured: a local crawl never loads
``redis`` (``tests/test_layers.py``-style check in ``tests/test_distributed.py``).
"""
