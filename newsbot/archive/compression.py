"""The archive's dictionaries part (``archive.dictionaries``): each new body compressed with
its site's dictionary, dictionaries made from a site's stored pages, and stored bodies rewritten
with them (``newsbot compress``).

The ``dictionaries`` table itself, and reading bodies with it: :mod:`.dictionaries`. Bodies
are rewritten in batches, one transaction each, every new stored form checked (same sha256)
before it is written: killed at any moment, the archive holds every body readable, and the same
command continues.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import zstandard

from newsbot.archive.bodies import compress, decompress, dictionary_id, sha256_hex
from newsbot.archive.dictionaries import (
    DEFAULT_BATCH,
    DEFAULT_DICT_BYTES,
    DEFAULT_DICT_LEVEL,
    MIN_BODIES,
    DictionaryInfo,
    all_dictionaries,
    current,
    current_ids,
    insert,
    load,
    loader,
    pick_samples,
    site_body_count,
    stored_bytes,
)
from newsbot.archive.records import ArchiveError
from newsbot.archive.session import Session
from newsbot.content_coding import BodyError, decoded
from newsbot.items import Capture

#: Test hook: SIGKILL the process itself just before committing this (1-based) batch.
KILL_HOOK = "NEWSBOT_TEST_COMPRESS_KILL_AT"

# The site of a body: that of its first capture.
_BODY_SITE = "(SELECT c.site FROM captures c WHERE c.sha256 = b.sha256 ORDER BY c.id LIMIT 1)"


@dataclass
class SiteCompression:
    """What :meth:`Dictionaries.compress_bodies` did for one site."""

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


class Dictionaries:
    """The body dictionaries of one archive (``archive.dictionaries``), and the compression
    of new bodies with them (``compressor``: the plain zstd one, for sites without)."""

    def __init__(self, session: Session, compressor: zstandard.ZstdCompressor) -> None:
        self._session = session
        self._conn = session.conn
        self._compressor = compressor

    def compress(self, capture: Capture) -> tuple[str, bytes]:
        """The capture's (decoded) body compressed with its site's dictionary, if it has one."""
        found = current(self._conn, capture.site)
        if found is None:
            return compress(capture.body, self._compressor)
        loaded = load(self._conn, found.id)
        return compress(capture.body, loaded.compressor(), loaded.codec)

    def checked(
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

    def all(self) -> list[DictionaryInfo]:
        """Every body dictionary the archive holds, by site then age."""
        return all_dictionaries(self._conn)

    def ids(self) -> dict[str, int]:
        """Each site's current dictionary id."""
        return current_ids(self._conn)

    def stored_bytes(self) -> tuple[int, int]:
        """Bytes stored for the bodies (compressed), and for the dictionaries."""
        return stored_bytes(self._conn)

    def train(
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
        with self._session.transaction(f"store a dictionary for {site}") as conn:
            return insert(conn, site, samples, level, self._session.clock())

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
        :data:`~newsbot.archive.dictionaries.DEFAULT_DICT_LEVEL`); ValueError when ``level``
        differs from an existing dictionary's without ``retrain`` (its bodies are not
        rewritten at another level). Each new stored form is decompressed and its sha256
        compared before it is written; a plain zstd body the dictionary does not make smaller
        is left as it was. Dictionaries no longer current that no body uses are deleted at the
        end. ``progress`` is called with the number of bodies looked at, batch by batch."""
        session = self._session
        conn = session.conn
        if site is not None:
            sites = [site]
        else:
            sites = [row[0] for row in conn.execute("SELECT DISTINCT site FROM captures")]
        results = []
        kill_at = int(os.environ.get(KILL_HOOK) or 0)
        for name in sorted(sites):
            result = SiteCompression(name)
            info = current(conn, name)
            if info is not None and level is not None and level != info.level and not retrain:
                raise ValueError(
                    f"the dictionary of {name} compresses at level {info.level}:"
                    " a new level needs a new dictionary (--retrain)"
                )
            if info is None or retrain:
                made = self.train(name, level=level or DEFAULT_DICT_LEVEL, min_bodies=min_bodies)
                if made is None:
                    result.skipped = f"fewer than {min_bodies} stored bodies"
                    results.append(result)
                    continue
                info, result.trained = made, True
            result.dictionary = info
            kill_at = _rewrite(session, result, info, batch, kill_at, progress)
            with session.transaction(f"delete unused dictionaries of {name}") as writer:
                writer.execute(
                    "DELETE FROM dictionaries WHERE site = ? AND id < ? AND NOT EXISTS"
                    " (SELECT 1 FROM bodies WHERE codec = 'zstd-dict:' || dictionaries.id)",
                    (name, info.id),
                )
            results.append(result)
        return results


def _rewrite(
    session: Session,
    result: SiteCompression,
    info: DictionaryInfo,
    batch: int,
    kill_at: int,
    progress: Callable[[int], object] | None = None,
) -> int:
    conn = session.conn
    target = load(conn, info.id)
    compressor = target.compressor()
    read = loader(conn)
    query = (
        "SELECT b.sha256, b.codec, b.data, b.size, b.stored_size FROM bodies b"
        f" WHERE b.sha256 > ? AND b.codec != ? AND {_BODY_SITE} = ?"
        " ORDER BY b.sha256 LIMIT ?"
    )
    last = ""
    while rows := conn.execute(query, (last, target.codec, result.site, max(batch, 1))).fetchall():
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
        with session.transaction(f"recompress bodies of {result.site}") as writer:
            done = 0
            for update in updates:
                cursor = writer.execute(
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
