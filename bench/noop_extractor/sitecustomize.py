"""Bench only: newsbot's crawl with extraction made a no-op, the fair "fetch + archive" baseline
of bench/crawl.py. Nothing else imports this.

With this folder on PYTHONPATH, Python runs this module at start-up in the crawler and in each of
its extraction workers (the pool passes PYTHONPATH on). It replaces
``newsbot.extract.article.extract_page`` as that module is first imported, before the worker
imports it, by a function that returns None. A worker then does everything else it does for an
article page (decodes the body, hashes and compresses it for the archive) and hands back no
extraction, as for a page fetched unchanged: the capture is archived without an article, and the
crawl counts it as ``newsbot/extract/revisit_skipped`` (bench/crawl.py checks that every article
page was, so that a newsbot that no longer reads extraction from there fails loudly instead of
giving a baseline that extracts).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TARGET = "newsbot.extract.article"


def no_extraction(*args: Any, **kwargs: Any) -> None:
    return None


class _NoExtraction(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            module.extract_page = no_extraction  # type: ignore[attr-defined]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _NoExtraction())
