"""Sites the tests and benchmarks serve, outside the installed package (never in the wheel).

- :class:`DemoSite` / :class:`DemoServer`: the site ``newsbot demo`` serves, with the truth of
  every page, edits between crawls, and a server that records requests, answers slowly or
  throttles chosen paths (:mod:`sitegen.demo_site`, :mod:`sitegen.server`, :mod:`sitegen.truth`).
- :class:`GeneratedSite`: thousands of generated articles at the real pages' size, for
  benchmarks and crash tests (:mod:`sitegen.large_site`, :mod:`sitegen.large_stories`).
- :class:`~sitegen.fixture_site.HostedSite`: every story rendered as the real site serves it, on
  its edition's own host, for the extraction fixtures, with their expected extraction computed
  from the stories (:mod:`sitegen.fixture_truth`), and the pages of other kinds they need
  (:mod:`sitegen.legacy_page`, :mod:`sitegen.live_blog`, :mod:`sitegen.other_sites`).
- :mod:`sitegen.hostile`: a server of hostile pages, sitemaps and answers.

Run from the repository root (pytest's ``pythonpath`` setting puts it on the path).
"""

from pathlib import Path

from newsbot.demo.labels import LABELS, load_labels
from newsbot.demo.responses import DemoResponse

# The fixture editions' words (it, es, pt, el, pl, ru, tr, hu, ar), beside the demo's en, de, fr.
LABELS.update(load_labels(Path(__file__).with_name("labels.toml")))

from sitegen.demo_site import DemoSite  # noqa: E402
from sitegen.large_site import GeneratedSite  # noqa: E402
from sitegen.server import DemoServer, ServedRequest  # noqa: E402
from sitegen.truth import DemoArticle, ServedSite  # noqa: E402

__all__ = [
    "DemoArticle",
    "DemoResponse",
    "DemoServer",
    "DemoSite",
    "GeneratedSite",
    "ServedRequest",
    "ServedSite",
]
