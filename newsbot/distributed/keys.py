"""The Redis keys of a distributed crawl of one spider, all under ``newsbot:<spider>:``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    """Key names for the crawl of ``spider``."""

    spider: str

    def _key(self, name: str) -> str:
        return f"newsbot:{self.spider}:{name}"

    @property
    def requests(self) -> str:
        """Sorted set of queued requests (JSON), by priority."""
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        """Set of request fingerprints queued in this run (scrapy-redis's duplicate filter)."""
        return self._key("dupefilter")

    @property
    def leases(self) -> str:
        """Hash: lease id → the request (JSON) a process took and has not finished."""
        return self._key("leases")

    @property
    def deadlines(self) -> str:
        """Sorted set: lease id → when it returns to the queue unless renewed (Redis time)."""
        return self._key("deadlines")

    @property
    def lease_ids(self) -> str:
        """Counter naming the leases."""
        return self._key("lease_ids")

    @property
    def results(self) -> str:
        """Stream of what the nodes fetched and discovered, drained by the coordinator."""
        return self._key("results")

    @property
    def nodes(self) -> str:
        """Hash: node name → its counts (JSON), updated as it works."""
        return self._key("nodes")

    @property
    def spec(self) -> str:
        """What the nodes crawl (JSON: site, spider arguments), set by the coordinator."""
        return self._key("spec")

    def host(self, host: str) -> str:
        """When the next request to ``host`` may start, across all processes (Redis time)."""
        return self._key(f"host:{host}")

    def run_keys(self) -> list[str]:
        """Every key of a run, deleted once it finished."""
        return [
            self.requests, self.dupefilter, self.leases, self.deadlines, self.lease_ids,
            self.results, self.spec,
        ]  # fmt: skip


#: Request meta naming the lease a request was taken under.
LEASE_META = "newsbot_lease"

#: Consumer group and consumer of the results stream: the one writer.
GROUP = "writer"
CONSUMER = "writer"
