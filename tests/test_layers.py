"""The layers: core packages never import Scrapy (re-extraction runs without a crawler)."""

import ast
from pathlib import Path

import pytest

import newsbot

CORE = ("extract", "archive", "sites", "demo", "export", "warc")
CORE_MODULES = (
    "items.py",
    "listings.py",
    "content_coding.py",
    "normalize.py",
    "worker.py",
    "recrawl.py",
    "evaluate.py",
    "evaluate_real.py",
    "evaluate_runs.py",
)
PACKAGE = Path(newsbot.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    files = [PACKAGE / name for name in CORE_MODULES]
    for folder in CORE:
        files.extend(sorted((PACKAGE / folder).rglob("*.py")))
    return files


def test_core_layers_import_no_scrapy_or_twisted() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in ("scrapy", "twisted")
        )
        for path in core_files()
    }
    assert len(offenders) > 10  # the walk found the core modules
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_core_layers_import_no_scrapy_glue() -> None:
    glue = (
        "newsbot.spiders",
        "newsbot.crawl",
        "newsbot.settings",
        "newsbot.runner",
        "newsbot.cli",
    )
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.startswith(glue)
        )
        for path in core_files()
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_every_archive_name_loads_and_workers_load_no_database_code() -> None:
    import subprocess
    import sys

    import newsbot.archive as archive

    assert all(getattr(archive, name) is not None for name in archive.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        archive.Nothing  # noqa: B018
    # An extraction worker's start-up: bodies yes, the database code (sqlite-utils) no.
    probe = (
        "import sys; sys.modules['scrapy'] = None; import newsbot.worker; "
        "print(' '.join(m for m in sys.modules if m.startswith(('newsbot.archive', 'sqlite'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(loaded) == ["newsbot.archive", "newsbot.archive.bodies"]
