"""newsbot browse: the archive in Datasette, read-only."""

from __future__ import annotations

import json
import shlex
import webbrowser

import click

from newsbot.cli.common import archive_option, cli, fail, reading_archive


@cli.command()
@archive_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface, open to anyone who reaches it).",
)
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: a free one, printed).",
)
@click.option(
    "--open/--no-open", "open_browser", default=False, help="Open the archive in a web browser."
)
@click.option(
    "--print-command",
    is_flag=True,
    help="Print the plain `datasette` command that serves the archive the same way, and exit.",
)
@click.option(
    "--print-metadata",
    is_flag=True,
    help="Print the Datasette metadata newsbot gives this archive (JSON), and exit.",
)
def browse(
    archive: str,
    host: str,
    port: int,
    open_browser: bool,
    print_command: bool,
    print_metadata: bool,
) -> None:
    """Browse the archive in Datasette, read-only, while a crawl may write to it: tables
    described, long text cut short, full-text search on articles, canned queries (an article
    with its related articles and backlinks, every language version of a story, articles per
    day, errors of the last run, URLs due now) and stored pages as text. Ctrl-C stops it."""
    from newsbot import browse as browsing

    with reading_archive(archive):
        pass  # a missing or foreign file ends here, in one line
    if print_command:
        click.echo(shlex.join(browsing.datasette_command(archive, host, port)))
        return
    try:
        if print_metadata:
            found = browsing.metadata([browsing.database_name(archive)])
            click.echo(json.dumps(found, indent=2, ensure_ascii=False))
            return
        import datasette  # noqa: F401  (checked before the port is taken)
    except (ImportError, browsing.BrowseUnavailable):
        fail(browsing.INSTALL_HINT)
    try:
        sock = browsing.listen(host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    url = browsing.url_of(host, sock.getsockname()[1], archive)

    def ready() -> None:
        click.echo(f"Browsing {archive} at {url} (read-only; Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(url)

    with sock:
        browsing.serve(archive, sock, ready=ready)
