"""The newsbot command: parse arguments, call the library, print the result. Nothing else here.

Errors a user can cause end in one line on stderr and exit code 2, never a traceback. Each
module of this package adds its commands to the one group defined in ``common``.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

import click

from newsbot.cli import (  # noqa: F401  (they register their commands)
    archive,
    browse,
    check,
    compress,
    crawl,
    evaluate,
    export,
    history,
    importing,
    links,
    node,
    reextract,
    warc,
)
from newsbot.cli.common import cli, database_error, fail

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``newsbot`` console script."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if not args:
        click.echo(cli.get_help(click.Context(cli, info_name="newsbot")))
        sys.exit(2)
    try:
        code = cli.main(args=args, prog_name="newsbot", standalone_mode=False)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "newsbot"
        fail(f"{exc.format_message()} (see '{command} --help')")
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Abort:
        fail("interrupted", code=130)
    except sqlite3.DatabaseError as exc:
        fail(database_error(exc, _archive_of(args)))
    except Exception as exc:
        # A broken site profile (a user's, from NEWSBOT_PROFILES) can surface in any command
        # that reads profiles. Imported only here: most commands never load newsbot.sites.
        from newsbot.sites import ProfileError

        if not isinstance(exc, ProfileError):
            raise
        fail(str(exc))
    if isinstance(code, int) and code:
        sys.exit(code)


def _archive_of(args: Sequence[str]) -> str | None:
    """The ``--archive`` the command line gave (None for the default archive)."""
    for index, arg in enumerate(args):
        if arg == "--archive" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--archive="):
            return arg.partition("=")[2]
    return None
