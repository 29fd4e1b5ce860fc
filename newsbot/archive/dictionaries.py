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
- ``archive.dictionaries.compress_bodies`` (:mod:`~newsbot.archive.compression`) rewrites bodies
  in batches, one transaction each, every new stored form checked (same sha256) before it is
  written: killed at any moment, the archive holds every body readable, and the same command
  continues.
- A body belongs to the site of its first capture.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

from newsbot.archive.bodies import (
    DictionaryLoader,
    MissingDictionaryError,
    decompress,
    dictionary_codec,
    make_dict_compressor,
    raw_dictionary,
)

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
#: Bodies rewritten per transaction by :meth:`Dictionaries.compress_bodies`.
DEFAULT_BATCH = 32
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
    # Each article body's newest capture, as a number only (a site's whole history is read).
    articles = [
        at
        for (at,) in conn.execute(
            "SELECT MAX(id) FROM captures WHERE site = ? AND kind = 'article'"
            " AND status = 200 AND sha256 IS NOT NULL GROUP BY sha256 ORDER BY 1",
            (site,),
        )
    ]
    # (SQLite gives the bare column of the row whose id is the MAX: each kind's newest body.)
    others = conn.execute(
        "SELECT sha256, MAX(id) FROM captures WHERE site = ? AND kind != 'article'"
        " AND status = 200 AND sha256 IS NOT NULL GROUP BY kind",
        (site,),
    ).fetchall()
    looked_at = itertools.islice(
        itertools.chain(((_sha_of(conn, at), at) for at in _spread(articles)), others), _LOOK_AT
    )
    chosen: list[tuple[int, bytes]] = []
    used = 0
    for sha, at in looked_at:
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
        sha = _sha_of(conn, articles[-1])
        found = conn.execute("SELECT codec, data, size FROM bodies WHERE sha256 = ?", (sha,))
        codec, data, size = found.fetchone()
        chosen.append((0, decompress(data, codec, size, loader(conn))[:budget]))
    # The newest last: zstd reaches the nearest bytes most cheaply, and new pages are
    # likeliest to share the newest template.
    return [body for _, body in sorted(chosen, key=lambda pair: pair[0])]


def _sha_of(conn: sqlite3.Connection, capture_id: int) -> str:
    return str(
        conn.execute("SELECT sha256 FROM captures WHERE id = ?", (capture_id,)).fetchone()[0]
    )


def _spread(rows: list[int]) -> Iterator[int]:
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
    stored = zstandard.ZstdCompressor(compression_params=_stored_form(len(content))).compress(
        content
    )
    cursor = conn.execute(
        "INSERT INTO dictionaries (site, kind, created_at, samples, size, stored_size, level,"
        " data) VALUES (?, 'raw', ?, ?, ?, ?, ?, ?)",
        (site, now, len(samples), len(content), len(stored), level, stored),
    )
    assert cursor.lastrowid is not None
    return DictionaryInfo(
        cursor.lastrowid, site, now, len(samples), len(content), len(stored), level
    )


def _stored_form(size: int) -> zstandard.ZstdCompressionParameters:
    """How a dictionary's bytes are stored: zstd level 19 with its match tables held to 2^19
    entries. On 2 MiB of pages that is within 3% of level 19's own size, in 3 MiB of memory
    rather than 31 (a spike the crawl's process took at its end, for its first dictionary)."""
    return zstandard.ZstdCompressionParameters.from_level(
        19, source_size=size, chain_log=19, hash_log=19, write_content_size=1
    )


def stored_bytes(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bytes the archive stores for its bodies, and for its dictionaries."""
    bodies = conn.execute("SELECT TOTAL(stored_size) FROM bodies").fetchone()[0]
    try:
        kept = conn.execute("SELECT TOTAL(stored_size) FROM dictionaries").fetchone()[0]
    except sqlite3.OperationalError:
        kept = 0
    return int(bodies), int(kept)
