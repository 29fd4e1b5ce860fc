"""newsbot history: the stored versions of one article and what changed between them."""

from __future__ import annotations

import click

from newsbot.cli.common import archive_option, cli, fail, json_option, reading_archive


@cli.command()
@click.argument("url")
@archive_option
@json_option
def history(url: str, archive: str, as_json: bool) -> None:
    """List the versions of the article at URL kept in the archive, and what changed
    between them (title, text size, dates, tags, links …). For a URL fetched but not an
    article (a section page, a 404, a redirect), say what it was."""
    from newsbot.archive.history import format_history
    from newsbot.extract import canonicalize_url
    from newsbot.report import history_document, json_document
    from newsbot.sites import profile_for_url

    profile = profile_for_url(url)
    shown = canonicalize_url(url, strip_params=profile.strip_params, https_hosts=profile.domains)
    if shown is None:
        fail(f"not a web URL: {url!r}")
    with reading_archive(archive) as db:
        # The URL as the archive knows it, however it was pasted (as related/translations);
        # an article no longer extracted keeps its versions under its canonical URL.
        versions = db.history.versions(db.graph.resolve_url(url) or shown)
        page = None if versions else db.history.fetched_page(url)
    if not versions:
        fail(page.describe() if page else f"no article at {shown} in {archive}")
    canonical = versions[0].canonical_url
    if as_json:
        click.echo(json_document(history_document(canonical, versions)))
    else:
        click.echo(format_history(canonical, versions))
