"""Per-site zstd dictionaries: what makes an archive's bodies smaller than a WARC.gz of them.

A site's pages share most of their bytes (head, scripts, navigation, footer). A dictionary of
the site is a few of its own stored pages, newest last, kept once in the ``dictionaries`` table
(itself zstd-compressed); each body of the site is then compressed against it as a zstd "raw
content" dictionary, codec ``zstd-dict:<id>``, and only what differs from those pages costs
bytes. Raw content beat ``zstandard.train_dictionary`` both ways in bench/archive_size.py:
smaller bodies, and built at once where training takes minutes of CPU on a few hundred pages.

What a caller may rely on:

- A dictionary row never changes and its id is never given again; a body names its
  dictionary in its codec. A site's *current* dictionary is its newest one.
- Readers load a dictionary once per connection (:func:`loader`); a body whose dictionary is
  gone raises :class:`~newsbot.archive.bodies.MissingDictionaryError`, never garbage.
- :meth:`DictionaryStore.compress_bodies` rewrites bodies in batches, one transaction each,
  every new stored form checked (same sha256) before it is written: killed at any moment, the
  archive holds every body readable, and the same command continues.
- A body belongs to the site of its first capture.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import zstandard

from newsbot.archive.bodies import (
    DictionaryLoader,
    MissingDictionaryError,
    compress,
    decompress,
    dictionary_codec,
    dictionary_id,
    make_dict_compressor,
    raw_dictionary,
    sha256_hex,
)
from newsbot.archive.records import ArchiveError
from newsbot.content_coding import BodyError, decoded
from newsbot.items import Capture

#: zstd level of bodies compressed with a dictionary, unless a dictionary is made with another:
#: on real pages most of level 19's gain at a fourteenth of its CPU (bench/archive_size.py),
#: cheap enough for the crawl's extraction workers.
DEFAULT_DICT_LEVEL = 9
#: Bytes of a site's pages a dictionary holds at most: room for a few pages of each template
#: (more pages kept helping on real sites; zstd's window at level 9 is 4 MiB).
DEFAULT_DICT_BYTES = 2 << 20
#: Stored bodies a site needs before it gets a dictionary: fewer and the dictionary would hold
#: most of them.
MIN_BODIES = 10
#: Bodies rewritten per transaction by :meth:`DictionaryStore.compress_bodies`.
DEFAULT_BATCH = 32
#: Test hook: SIGKILL the process itself just before committing this (1-based) batch.
KILL_HOOK = "NEWSBOT_TEST_COMPRESS_KILL_AT"

# The site of a body: that of its first capture.
_BODY_SITE = "(SELECT c.site FROM captures c WHERE c.sha256 = b.sha256 ORDER BY c.id LIMIT 1)"
_CACHED = 16  # dictionaries kept loaded, over every connection of the process
_LOOK_AT = 1000  # pages of a site looked at, at most, for its dictionary


@dataclass(frozen=True)
class DictionaryInfo:
    """One row of the ``dictionaries`` table, without its data."""

    id: int
    site: str
    created_at: str
    samples: int
    size: int
    stored_size: int
    level: int


@dataclass
class LoadedDictionary:
    """A dictionary ready to use: read bodies with :attr:`decompressor`, write with
    :meth:`compressor` (one per thread; neither is thread-safe)."""

    id: int
    level: int
    dictionary: zstandard.ZstdCompressionDict
    decompressor: zstandard.ZstdDecompressor
    _compressor: zstandard.ZstdCompressor | None = field(default=None, repr=False)

    @property
    def codec(self) -> str:
        return dictionary_codec(self.id)

    def compressor(self) -> zstandard.ZstdCompressor:
        if self._compressor is None:
            self._compressor = make_dict_compressor(self.dictionary, self.level)
        return self._compressor


@dataclass
class SiteCompression:
    """What :meth:`DictionaryStore.compress_bodies` did for one site."""

    site: str
    dictionary: DictionaryInfo | None = None
    #: Whether this run made the dictionary.
    trained: bool = False
    #: Bodies now compressed with the dictionary, and those left as they were because the
    #: dictionary did not make them smaller.
    rewritten: int = 0
    kept: int = 0
    #: Bodies that could not be read back as stored (left untouched).
    unreadable: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    #: Why the site has no dictionary, when it has none.
    skipped: str | None = None


def _info(row: Sequence[Any]) -> DictionaryInfo:
    return DictionaryInfo(*row)  # the columns' own types


_INFO_COLUMNS = "id, site, created_at, samples, size, stored_size, level"


def current(conn: sqlite3.Connection, site: str) -> DictionaryInfo | None:
    """The newest dictionary of ``site``, or None."""
    row = conn.execute(
        f"SELECT {_INFO_COLUMNS} FROM dictionaries WHERE site = ? ORDER BY id DESC LIMIT 1",
        (site,),
    ).fetchone()
    return _info(row) if row else None


def current_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """Each site's newest dictionary id ({} for an archive from before dictionaries)."""
    try:
        found = conn.execute("SELECT site, MAX(id) FROM dictionaries GROUP BY site").fetchall()
    except sqlite3.OperationalError:  # no such table: an archive not migrated yet
        return {}
    return {str(site): int(id_) for site, id_ in found}


def all_dictionaries(conn: sqlite3.Connection) -> list[DictionaryInfo]:
    """Every dictionary, by site then age."""
    found = conn.execute(f"SELECT {_INFO_COLUMNS} FROM dictionaries ORDER BY site, id")
    return [_info(row) for row in found.fetchall()]


# (id(conn), dictionary id) -> (the connection, kept alive so its id is not reused, loaded)
_LOADED: OrderedDict[tuple[int, int], tuple[sqlite3.Connection, LoadedDictionary]] = OrderedDict()


def load(conn: sqlite3.Connection, dictionary_id: int) -> LoadedDictionary:
    """Dictionary ``dictionary_id`` of the archive on ``conn``, loaded once per connection.

    Raises :class:`~newsbot.archive.bodies.MissingDictionaryError` when the archive has none
    by that id."""
    key = (id(conn), dictionary_id)
    hit = _LOADED.get(key)
    if hit is not None and hit[0] is conn:
        _LOADED.move_to_end(key)
        return hit[1]
    try:
        row = conn.execute(
            "SELECT level, size, data FROM dictionaries WHERE id = ?", (dictionary_id,)
        ).fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise MissingDictionaryError(
            f"body compressed with dictionary {dictionary_id}, which the archive does not hold"
        )
    loaded = _from_row(dictionary_id, *row)
    for stale in [key for key, (held, _) in _LOADED.items() if _closed(held)]:
        del _LOADED[stale]
    _LOADED[key] = (conn, loaded)
    while len(_LOADED) > _CACHED:
        _LOADED.popitem(last=False)
    return loaded


def _closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018  (raises on a closed connection)
    except sqlite3.ProgrammingError:
        return True
    return False


def _from_row(dictionary_id: int, level: int, size: int, data: bytes) -> LoadedDictionary:
    content = zstandard.ZstdDecompressor().decompress(data, max_output_size=size)
    dictionary = raw_dictionary(content)
    decompressor = zstandard.ZstdDecompressor(dict_data=dictionary)
    return LoadedDictionary(dictionary_id, level, dictionary, decompressor)


def loader(conn: sqlite3.Connection) -> DictionaryLoader:
    """What :func:`~newsbot.archive.bodies.decompress` needs to read the bodies on ``conn``."""
    return lambda dictionary_id: load(conn, dictionary_id).decompressor


def read_only(path: str | Path, dictionary_id: int) -> LoadedDictionary:
    """Dictionary ``dictionary_id`` of the archive at ``path``, read on a connection of its own
    (an extraction worker's, once). Raises MissingDictionaryError or sqlite3.Error."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        row = conn.execute(
            "SELECT level, size, data FROM dictionaries WHERE id = ?", (dictionary_id,)
        ).fetchone()
    if row is None:
        raise MissingDictionaryError(f"no dictionary {dictionary_id} in {path}")
    return _from_row(dictionary_id, *row)


def current_ids_at(path: str | Path) -> dict[str, int]:
    """:func:`current_ids` of the archive at ``path`` ({} when there is none yet)."""
    if not Path(path).is_file():
        return {}
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            return current_ids(conn)
    except sqlite3.Error:
        return {}


def site_body_count(conn: sqlite3.Connection, site: str) -> int:
    """Distinct stored bodies first captured for ``site`` (what a dictionary needs enough of)."""
    query = (
        "SELECT COUNT(DISTINCT c.sha256) FROM captures c"
        " WHERE c.site = ? AND c.sha256 IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM captures p WHERE p.sha256 = c.sha256 AND p.id < c.id)"
    )
    return int(conn.execute(query, (site,)).fetchone()[0])


def pick_samples(conn: sqlite3.Connection, site: str, budget: int) -> list[bytes]:
    """Pages of ``site`` for its dictionary, oldest first, ``budget`` bytes at most: article
    pages spread evenly over its history (its newest one always), then the newest page of
    each other kind (section, sitemap, feed) that still fits."""
    articles = conn.execute(
        "SELECT sha256, MAX(id) FROM captures WHERE site = ? AND kind = 'article'"
        " AND status = 200 AND sha256 IS NOT NULL GROUP BY sha256 ORDER BY 2",
        (site,),
    ).fetchall()
    # (SQLite gives the bare column of the row whose id is the MAX: each kind's newest body.)
    others = conn.execute(
        "SELECT sha256, MAX(id) FROM captures WHERE site = ? AND kind != 'article'"
        " AND status = 200 AND sha256 IS NOT NULL GROUP BY kind",
        (site,),
    ).fetchall()
    chosen: list[tuple[int, bytes]] = []
    used = 0
    for looked, (sha, at) in enumerate([*_spread(articles), *others]):
        if looked >= _LOOK_AT:
            break
        # The size first: a row's data is read (and decompressed) only for a page that fits.
        size = conn.execute("SELECT size FROM bodies WHERE sha256 = ?", (sha,)).fetchone()
        if size is None or size[0] == 0 or used + size[0] > budget:
            continue
        query = "SELECT codec, data, size FROM bodies WHERE sha256 = ?"
        codec, data, stored = conn.execute(query, (sha,)).fetchone()
        try:
            body = decompress(data, codec, stored, loader(conn))
        except (ValueError, zstandard.ZstdError):
            continue
        chosen.append((at, body))
        used += len(body)
        if used >= budget:
            break
    if not chosen and articles:  # one page larger than the budget: its first bytes
        sha = articles[-1][0]
        found = conn.execute("SELECT codec, data, size FROM bodies WHERE sha256 = ?", (sha,))
        codec, data, size = found.fetchone()
        chosen.append((0, decompress(data, codec, size, loader(conn))[:budget]))
    # The newest last: zstd reaches the nearest bytes most cheaply, and new pages are
    # likeliest to share the newest template.
    return [body for _, body in sorted(chosen, key=lambda pair: pair[0])]


def _spread(rows: list[tuple[str, int]]) -> Iterator[tuple[str, int]]:
    """The newest row, the oldest, then ever finer halvings in between: any prefix of the
    result is spread over the whole history."""
    if not rows:
        return
    seen = {len(rows) - 1, 0}
    yield rows[-1]
    if len(rows) > 1:
        yield rows[0]
    step = len(rows)
    while step > 1:
        step //= 2
        for index in range(step, len(rows), max(step, 1)):
            if index not in seen:
                seen.add(index)
                yield rows[index]


def insert(
    conn: sqlite3.Connection, site: str, samples: Sequence[bytes], level: int, now: str
) -> DictionaryInfo:
    """Store the dictionary made of ``samples`` for ``site`` (in the caller's transaction)."""
    content = b"".join(samples)
    stored = zstandard.ZstdCompressor(level=19, write_content_size=True).compress(content)
    cursor = conn.execute(
        "INSERT INTO dictionaries (site, kind, created_at, samples, size, stored_size, level,"
        " data) VALUES (?, 'raw', ?, ?, ?, ?, ?, ?)",
        (site, now, len(samples), len(content), len(stored), level, stored),
    )
    assert cursor.lastrowid is not None
    return DictionaryInfo(
        cursor.lastrowid, site, now, len(samples), len(content), len(stored), level
    )


def stored_bytes(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bytes the archive stores for its bodies, and for its dictionaries."""
    bodies = conn.execute("SELECT TOTAL(stored_size) FROM bodies").fetchone()[0]
    try:
        kept = conn.execute("SELECT TOTAL(stored_size) FROM dictionaries").fetchone()[0]
    except sqlite3.OperationalError:
        kept = 0
    return int(bodies), int(kept)


class DictionaryStore:
    """Dictionary reads and writes of :class:`~newsbot.archive.db.Archive` (mixed into it)."""

    _conn: sqlite3.Connection
    _clock: Callable[[], str]
    _compressor: zstandard.ZstdCompressor
    path: Path

    if TYPE_CHECKING:

        def _transaction(self, what: str) -> AbstractContextManager[sqlite3.Connection]: ...

    def _compress(self, capture: Capture) -> tuple[str, bytes]:
        """The capture's (decoded) body compressed with its site's dictionary, if it has one."""
        found = current(self._conn, capture.site)
        if found is None:
            return compress(capture.body, self._compressor)
        loaded = load(self._conn, found.id)
        return compress(capture.body, loaded.compressor(), loaded.codec)

    def _with_dictionary(
        self, conn: sqlite3.Connection, capture: Capture, new_body: tuple[str, bytes]
    ) -> tuple[str, bytes]:
        """``new_body``, or the body compressed without a dictionary when the one it was
        compressed with is gone (deleted by ``newsbot compress`` since): never a body that
        names a dictionary the archive does not hold."""
        number = dictionary_id(new_body[0])
        if (
            number is None
            or conn.execute("SELECT 1 FROM dictionaries WHERE id = ?", (number,)).fetchone()
        ):
            return new_body
        try:
            return compress(decoded(capture).body, self._compressor)
        except BodyError as exc:
            raise ArchiveError(f"cannot save capture of {capture.url}: {exc}") from None

    def dictionaries(self) -> list[DictionaryInfo]:
        """Every body dictionary the archive holds, by site then age."""
        return all_dictionaries(self._conn)

    def dictionary_ids(self) -> dict[str, int]:
        """Each site's current dictionary id."""
        return current_ids(self._conn)

    def stored_bytes(self) -> tuple[int, int]:
        """Bytes stored for the bodies (compressed), and for the dictionaries."""
        return stored_bytes(self._conn)

    def train_dictionary(
        self,
        site: str,
        *,
        level: int = DEFAULT_DICT_LEVEL,
        budget: int = DEFAULT_DICT_BYTES,
        min_bodies: int = MIN_BODIES,
    ) -> DictionaryInfo | None:
        """Make ``site`` a new dictionary from its stored pages (it becomes its current one),
        or None when it has fewer than ``min_bodies`` stored bodies. Bodies already stored
        keep theirs until :meth:`compress_bodies` rewrites them."""
        if site_body_count(self._conn, site) < max(min_bodies, 1):
            return None
        samples = pick_samples(self._conn, site, budget)
        if not samples:
            return None
        with self._transaction(f"store a dictionary for {site}") as conn:
            return insert(conn, site, samples, level, self._clock())

    def compress_bodies(
        self,
        *,
        site: str | None = None,
        retrain: bool = False,
        level: int | None = None,
        batch: int = DEFAULT_BATCH,
        min_bodies: int = MIN_BODIES,
        progress: Callable[[int], object] | None = None,
    ) -> list[SiteCompression]:
        """Give each site (or ``site``) a dictionary if it has none (a new one with
        ``retrain``), then rewrite its bodies not compressed with it, ``batch`` per
        transaction. A new dictionary is made at ``level`` (default
        :data:`DEFAULT_DICT_LEVEL`); ValueError when ``level`` differs from an existing
        dictionary's without ``retrain`` (its bodies are not rewritten at another level).
        Each new stored form is decompressed and its sha256 compared before it is written; a
        plain zstd body the dictionary does not make smaller is left as it was. Dictionaries
        no longer current that no body uses are deleted at the end. ``progress`` is called
        with the number of bodies looked at, batch by batch."""
        if site is not None:
            sites = [site]
        else:
            sites = [row[0] for row in self._conn.execute("SELECT DISTINCT site FROM captures")]
        results = []
        kill_at = int(os.environ.get(KILL_HOOK) or 0)
        for name in sorted(sites):
            result = SiteCompression(name)
            info = current(self._conn, name)
            if info is not None and level is not None and level != info.level and not retrain:
                raise ValueError(
                    f"the dictionary of {name} compresses at level {info.level}:"
                    " a new level needs a new dictionary (--retrain)"
                )
            if info is None or retrain:
                made = self.train_dictionary(
                    name, level=level or DEFAULT_DICT_LEVEL, min_bodies=min_bodies
                )
                if made is None:
                    result.skipped = f"fewer than {min_bodies} stored bodies"
                    results.append(result)
                    continue
                info, result.trained = made, True
            result.dictionary = info
            kill_at = self._rewrite(result, info, batch, kill_at, progress)
            with self._transaction(f"delete unused dictionaries of {name}") as conn:
                conn.execute(
                    "DELETE FROM dictionaries WHERE site = ? AND id < ? AND NOT EXISTS"
                    " (SELECT 1 FROM bodies WHERE codec = 'zstd-dict:' || dictionaries.id)",
                    (name, info.id),
                )
            results.append(result)
        return results

    def _rewrite(
        self,
        result: SiteCompression,
        info: DictionaryInfo,
        batch: int,
        kill_at: int,
        progress: Callable[[int], object] | None = None,
    ) -> int:
        target = load(self._conn, info.id)
        compressor = target.compressor()
        read = loader(self._conn)
        query = (
            "SELECT b.sha256, b.codec, b.data, b.size, b.stored_size FROM bodies b"
            f" WHERE b.sha256 > ? AND b.codec != ? AND {_BODY_SITE} = ?"
            " ORDER BY b.sha256 LIMIT ?"
        )
        last = ""
        while rows := self._conn.execute(
            query, (last, target.codec, result.site, max(batch, 1))
        ).fetchall():
            last = rows[-1][0]
            updates = []
            for sha, codec, data, size, stored_size in rows:
                try:
                    raw = decompress(data, codec, size, read)
                except (ValueError, zstandard.ZstdError):
                    result.unreadable += 1
                    continue
                if sha256_hex(raw) != sha:
                    result.unreadable += 1
                    continue
                new = compressor.compress(raw)
                back = target.decompressor.decompress(new, max_output_size=size) if size else b""
                # A body on an older dictionary moves all the same, so that it can go.
                smaller = len(new) < stored_size or dictionary_id(codec) is not None
                if sha256_hex(back) != sha or not smaller:
                    result.kept += 1
                    result.bytes_before += stored_size
                    result.bytes_after += stored_size
                    continue
                updates.append((target.codec, new, len(new), sha, codec, stored_size))
            if progress is not None:
                progress(len(rows))
            if not updates:
                continue
            with self._transaction(f"recompress bodies of {result.site}") as conn:
                done = 0
                for update in updates:
                    cursor = conn.execute(
                        "UPDATE bodies SET codec = ?, data = ?, stored_size = ?"
                        " WHERE sha256 = ? AND codec = ? AND stored_size = ?",
                        update,
                    )
                    done += cursor.rowcount
                kill_at -= 1
                if kill_at == 0:
                    os.kill(os.getpid(), signal.SIGKILL)
            result.rewritten += done
            result.bytes_before += sum(update[5] for update in updates)
            result.bytes_after += sum(update[2] for update in updates)
        return kill_at
