"""The command group, its shared options and the one-line error exit of the newsbot command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from newsbot import __version__

DEFAULT_ARCHIVE = "archive/newsbot.db"
DEMO_ARCHIVE = "archive/demo.db"

archive_option = click.option(
    "--archive",
    "archive",
    default=DEFAULT_ARCHIVE,
    show_default=True,
    help="Path of the SQLite archive.",
)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"newsbot: error: {message}", err=True)
    sys.exit(code)


def parse_settings(pairs: Sequence[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--set takes NAME=VALUE, not {pair!r}")
        settings[name.strip()] = value
    return settings


def parse_editions(value: str) -> list[str]:
    editions = [code.strip() for code in value.split(",")] if value else []
    if any(not code for code in editions):
        fail(f"--editions takes comma-separated edition codes, not {value!r}")
    return editions


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsbot")
def cli() -> None:
    """Crawl Euronews-style news sites into a local SQLite archive of raw pages, clean
    articles and the links between them."""
