"""Content-addressed body storage: a body is named by the sha256 of its raw bytes.

Pure helpers, no database: the archive hashes a body once, stores it compressed under that name
once, and reads it back through :func:`decompress`. A row of the ``bodies`` table says which codec
wrote its ``data``, so bodies written today stay readable when later codecs (a per-site zstd
dictionary, ``zstd-dict:<id>``) are added next to ``zstd``.
"""

from __future__ import annotations

import hashlib

import zstandard

from newsbot.items import StoredBody

#: Plain zstd frames, content size recorded in the frame header.
CODEC_ZSTD = "zstd"

#: Prefix of codecs that need a stored zstd dictionary (ROADMAP item 1; not written yet).
CODEC_ZSTD_DICT_PREFIX = "zstd-dict:"

#: zstd level used unless the caller picks another: fast enough for the crawler's event loop
#: on ~300 KB pages, and most of the gain of higher levels on HTML.
DEFAULT_ZSTD_LEVEL = 3


class UnknownCodecError(ValueError):
    """A body was stored with a codec this version of newsbot cannot read."""


def sha256_hex(data: bytes) -> str:
    """The lowercase hex sha256 of ``data``: the name a body is stored under."""
    return hashlib.sha256(data).hexdigest()


def make_compressor(level: int = DEFAULT_ZSTD_LEVEL) -> zstandard.ZstdCompressor:
    """A reusable compressor for :func:`compress` (reusing it saves re-allocating its context).

    Not thread-safe: one compressor per thread.
    """
    # The content size in the frame header lets readers allocate the output once.
    return zstandard.ZstdCompressor(level=level, write_content_size=True)


def compress(data: bytes, compressor: zstandard.ZstdCompressor) -> tuple[str, bytes]:
    """``(codec, stored bytes)`` for ``data``; :func:`decompress` with that codec gives it back."""
    return CODEC_ZSTD, compressor.compress(data)


def prepare(data: bytes, compressor: zstandard.ZstdCompressor) -> StoredBody:
    """``data`` named and compressed, for :meth:`Archive.save_capture` to store as is."""
    codec, stored = compress(data, compressor)
    return StoredBody(sha256_hex(data), codec, stored, len(data))


def decompress(stored: bytes, codec: str, size: int) -> bytes:
    """The raw bytes of a stored body, exactly ``size`` bytes long.

    ``size`` bounds the output, so a corrupted or hostile row cannot expand beyond what was
    recorded when it was stored. Raises :class:`UnknownCodecError` for a codec this version
    cannot read, and ``zstandard.ZstdError`` for corrupted data.
    """
    if codec == CODEC_ZSTD:
        if size == 0:
            return b""
        raw = zstandard.ZstdDecompressor().decompress(stored, max_output_size=size)
        if len(raw) != size:
            raise zstandard.ZstdError(f"body decompressed to {len(raw)} bytes, expected {size}")
        return raw
    raise UnknownCodecError(f"unknown body codec {codec!r}; a newer newsbot wrote this archive")
