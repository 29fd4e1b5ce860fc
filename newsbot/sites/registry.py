"""Which site profiles there are: newsbot's own and a user's, each known by its slug.

newsbot's own profiles are package resources of :mod:`newsbot.sites` (read with
:mod:`importlib.resources`, so they are found in a zipped install too). A user's are the
``*.toml`` files of the folders given to :func:`use_profile_dirs`, or, until that is called, of
the folders in the ``NEWSBOT_PROFILES`` environment variable (separated by ``os.pathsep``); the
installed package is never touched. A file's name is its slug (``dw.toml`` is the site ``dw``).

Two profiles with the same slug are an error naming both files, also when one of them is
bundled: a user's file never silently replaces newsbot's own (what ``newsbot crawl euronews``
does must not depend on who runs it). Copy the bundled file under another name to change it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.sites.loading import PHRASES_NAME, SITES_PACKAGE, load_profile_file
from newsbot.sites.profile import GENERIC, Profile, ProfileError, UnknownSiteError

#: The setting and the environment variable that name the folders of a user's profiles.
PROFILES_VARIABLE = "NEWSBOT_PROFILES"

#: Folders given to use_profile_dirs; None: read the environment variable.
_chosen: tuple[Path, ...] | None = None
_loaded: dict[str, Profile] = {}


@dataclass(frozen=True)
class _Source:
    file: Traversable
    #: How errors name the file: its name for a bundled profile, its path for a user's.
    label: str
    #: Where it is, for the message about two files with one slug.
    location: str


def parse_dirs(value: str | Iterable[str | os.PathLike[str]]) -> tuple[Path, ...]:
    """Folders from a string (separated by ``os.pathsep``) or a list, absolute, in order;
    empty entries are left out."""
    parts = value.split(os.pathsep) if isinstance(value, str) else [os.fspath(v) for v in value]
    return tuple(Path(p.strip()).expanduser().absolute() for p in parts if p.strip())


def use_profile_dirs(
    dirs: str | Iterable[str | os.PathLike[str]] | None,
) -> tuple[Path, ...]:
    """From now on, in this process, read a user's profiles from ``dirs`` (a list, or a string
    of folders separated by ``os.pathsep``); None: from the ``NEWSBOT_PROFILES`` environment
    variable again. Returns the folders in use.

    Raises :class:`ProfileError` at once for a folder that does not exist and for two profiles
    with one slug (the folders in use then stay as they were); a broken file is reported when
    its site is loaded."""
    global _chosen
    chosen = None if dirs is None else parse_dirs(dirs)
    _sources.cache_clear()  # the folders' files may have changed since they were last read
    _sources(chosen if chosen is not None else _environment_dirs())  # refused: nothing changes
    _chosen = chosen
    _loaded.clear()
    return profile_dirs()


def profile_dirs() -> tuple[Path, ...]:
    """The folders of a user's profiles in use (absolute): what extraction workers are told."""
    return _chosen if _chosen is not None else _environment_dirs()


def _environment_dirs() -> tuple[Path, ...]:
    return parse_dirs(os.environ.get(PROFILES_VARIABLE, ""))


@lru_cache(maxsize=8)
def _sources(dirs: tuple[Path, ...]) -> dict[str, _Source]:
    found: dict[str, _Source] = {}
    for item in sorted(files(SITES_PACKAGE).iterdir(), key=lambda t: t.name):
        if item.name.endswith(".toml") and item.name != PHRASES_NAME:
            found[item.name[:-5]] = _Source(item, item.name, f"newsbot's own {item}")
    for folder in dirs:
        if not folder.is_dir():
            raise ProfileError(f"{PROFILES_VARIABLE}: {folder} is not a folder")
        for path in sorted(folder.glob("*.toml")):
            slug = path.stem
            if slug in found:
                raise ProfileError(
                    f"{path} and {found[slug].location} both define the site {slug!r}: "
                    "rename one of them"
                )
            found[slug] = _Source(path, str(path), str(path))
    return found


def known_sites() -> list[str]:
    """Slugs of every profile, bundled and the user's, the generic one included."""
    return sorted(_sources(profile_dirs()))


def load_profile(slug: str) -> Profile:
    """The profile named ``slug``; raises :class:`UnknownSiteError` for an unknown slug and
    :class:`ProfileError` (naming file and key) for a broken file."""
    sources = _sources(profile_dirs())
    source = sources.get(slug)
    if source is None:
        raise UnknownSiteError(f"unknown site {slug!r} (known: {', '.join(sorted(sources))})")
    profile = _loaded.get(source.location)
    if profile is None:
        profile = load_profile_file(source.file, source.label)
        if profile.slug != slug:
            raise ProfileError(
                f"{source.label}: key 'slug' is {profile.slug!r}, but the file is named "
                f"{slug}.toml: the two must agree"
            )
        _loaded[source.location] = profile
    return profile


def profile_for_url(url: str) -> Profile:
    """The profile whose domains own the URL's host, else the generic profile."""
    host = urlsplit(url).hostname or ""
    for slug in known_sites():
        profile = load_profile(slug)
        if profile.owns_host(host):
            return profile
    return load_profile(GENERIC)
