"""The Redis keys of a distributed crawl of one spider, all under ``newsbot:<spider>:``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Keys:
    """Key names for the crawl of ``spider``."""

    spider: str
    #: Sorted set of queued requests (JSON), by priority.
    requests: str = field(init=False)
    #: Set of the fingerprints of requests queued in this run (scrapy-redis's duplicate filter).
    dupefilter: str = field(init=False)
    #: Hash: lease id → the request (JSON) a process took and has not finished.
    leases: str = field(init=False)
    #: Sorted set: lease id → when it returns to the queue unless renewed (Redis time).
    deadlines: str = field(init=False)
    #: Counter naming the leases.
    lease_ids: str = field(init=False)
    #: Stream of what the nodes fetched and discovered, drained by the coordinator.
    results: str = field(init=False)
    #: Hash: process name → its counts (JSON), updated as it works.
    nodes: str = field(init=False)
    #: What the nodes crawl (JSON: site, spider arguments), set by the coordinator.
    spec: str = field(init=False)

    def __post_init__(self) -> None:
        for name in (*RUN_KEYS, "nodes"):
            object.__setattr__(self, name, self.key(name))

    def key(self, name: str) -> str:
        return f"newsbot:{self.spider}:{name}"

    def host(self, host: str) -> str:
        """When the next request to ``host`` may start, across all processes (Redis time)."""
        return self.key(f"host:{host}")

    def run_keys(self) -> list[str]:
        """Every key of a run, deleted once it finished."""
        return [self.key(name) for name in RUN_KEYS]


#: The keys of one run (the nodes' counts stay until the coordinator recorded them).
RUN_KEYS = ("requests", "dupefilter", "leases", "deadlines", "lease_ids", "results", "spec")

#: Request meta naming the lease a request was taken under.
LEASE_META = "newsbot_lease"

#: Consumer group and consumer of the results stream: the one writer.
GROUP = "writer"
CONSUMER = "writer"
