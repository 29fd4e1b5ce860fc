"""newsbot history: the stored versions of one article and what changed between them."""

from __future__ import annotations

import click

from newsbot.cli.common import archive_option, cli, fail, reading_archive


@cli.command()
@click.argument("url")
@archive_option
def history(url: str, archive: str) -> None:
    """List the versions of the article at URL kept in the archive, and what changed
    between them (title, text size, dates, tags, links …)."""
    from newsbot.archive.history import format_history
    from newsbot.extract import canonicalize_url
    from newsbot.sites import profile_for_url

    profile = profile_for_url(url)
    shown = canonicalize_url(url, strip_params=profile.strip_params, https_hosts=profile.domains)
    if shown is None:
        fail(f"not a web URL: {url!r}")
    with reading_archive(archive) as db:
        # The URL as the archive knows it, however it was pasted (as related/translations).
        known = db.resolve_url(url)
        versions = db.article_history(known) if known else []
    if not versions:
        fail(f"no article at {shown} in {archive}")
    click.echo(format_history(versions[0].canonical_url, versions))
