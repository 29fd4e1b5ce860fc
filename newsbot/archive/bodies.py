"""Content-addressed body storage: a body is named by the sha256 of its raw bytes.

Pure helpers, no database: the archive hashes a body once, stores it compressed under that name
once, and reads it back through :func:`decompress`. A row of the ``bodies`` table says which codec
wrote its ``data``: ``zstd`` (plain frames) or ``zstd-dict:<id>``, frames compressed with the
site's zstd dictionary ``<id>`` of the ``dictionaries`` table (:mod:`~newsbot.archive.dictionaries`
stores and loads them). A reader needs that dictionary: without it the body is an error
(:class:`MissingDictionaryError`), never garbage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import zstandard

from newsbot.items import StoredBody

#: Plain zstd frames, content size recorded in the frame header.
CODEC_ZSTD = "zstd"

#: Prefix of codecs that need a stored zstd dictionary: ``zstd-dict:<dictionary id>``.
CODEC_ZSTD_DICT_PREFIX = "zstd-dict:"

#: zstd level used unless the caller picks another: fast enough for the crawler's event loop
#: on ~300 KB pages, and most of the gain of higher levels on HTML.
DEFAULT_ZSTD_LEVEL = 3


class UnknownCodecError(ValueError):
    """A body was stored with a codec this version of newsbot cannot read."""


class MissingDictionaryError(ValueError):
    """A body was compressed with a zstd dictionary the archive no longer holds."""


def dictionary_codec(dictionary_id: int) -> str:
    """The codec of bodies compressed with dictionary ``dictionary_id``."""
    return f"{CODEC_ZSTD_DICT_PREFIX}{dictionary_id}"


def dictionary_id(codec: str) -> int | None:
    """The dictionary a codec names (``zstd-dict:7`` → 7), None for a codec without one.

    Raises :class:`UnknownCodecError` for a dictionary codec whose id is not a number."""
    if not codec.startswith(CODEC_ZSTD_DICT_PREFIX):
        return None
    number = codec[len(CODEC_ZSTD_DICT_PREFIX) :]
    if not number.isdigit():
        raise UnknownCodecError(f"unknown body codec {codec!r}")
    return int(number)


def raw_dictionary(content: bytes) -> zstandard.ZstdCompressionDict:
    """A zstd "raw content" dictionary: ``content`` (pages of a site) as a prefix that
    compressed bodies refer back to. Bodies compressed with it need the same bytes to be read."""
    return zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def make_dict_compressor(
    dictionary: zstandard.ZstdCompressionDict, level: int
) -> zstandard.ZstdCompressor:
    """A reusable compressor with ``dictionary`` loaded once (see :func:`make_compressor`)."""
    dictionary.precompute_compress(level=level)
    return zstandard.ZstdCompressor(dict_data=dictionary, level=level, write_content_size=True)


def sha256_hex(data: bytes) -> str:
    """The lowercase hex sha256 of ``data``: the name a body is stored under."""
    return hashlib.sha256(data).hexdigest()


def make_compressor(level: int = DEFAULT_ZSTD_LEVEL) -> zstandard.ZstdCompressor:
    """A reusable compressor for :func:`compress` (reusing it saves re-allocating its context).

    Not thread-safe: one compressor per thread.
    """
    # The content size in the frame header lets readers allocate the output once.
    return zstandard.ZstdCompressor(level=level, write_content_size=True)


def compress(
    data: bytes, compressor: zstandard.ZstdCompressor, codec: str = CODEC_ZSTD
) -> tuple[str, bytes]:
    """``(codec, stored bytes)`` for ``data``; :func:`decompress` with that codec gives it back.

    ``codec`` names what ``compressor`` was made with: :data:`CODEC_ZSTD` for
    :func:`make_compressor`, :func:`dictionary_codec` of its dictionary for
    :func:`make_dict_compressor`."""
    return codec, compressor.compress(data)


def prepare(
    data: bytes, compressor: zstandard.ZstdCompressor, codec: str = CODEC_ZSTD
) -> StoredBody:
    """``data`` named and compressed, for :meth:`Archive.save_capture` to store as is."""
    codec, stored = compress(data, compressor, codec)
    return StoredBody(sha256_hex(data), codec, stored, len(data))


#: Loads dictionary ``id`` for :func:`decompress`; raises :class:`MissingDictionaryError`.
DictionaryLoader = Callable[[int], zstandard.ZstdDecompressor]


def decompress(
    stored: bytes, codec: str, size: int, dictionaries: DictionaryLoader | None = None
) -> bytes:
    """The raw bytes of a stored body, exactly ``size`` bytes long.

    ``size`` bounds the output, so a corrupted or hostile row cannot expand beyond what was
    recorded when it was stored. A ``zstd-dict:<id>`` body is read with the decompressor
    ``dictionaries(id)`` gives. Raises :class:`UnknownCodecError` for a codec this version
    cannot read, :class:`MissingDictionaryError` for a dictionary body without its dictionary,
    and ``zstandard.ZstdError`` for corrupted data.
    """
    if codec == CODEC_ZSTD:
        decompressor = zstandard.ZstdDecompressor()
    elif (number := dictionary_id(codec)) is not None:
        if dictionaries is None:
            raise MissingDictionaryError(f"body codec {codec!r} needs its dictionary")
        decompressor = dictionaries(number)
    else:
        raise UnknownCodecError(f"unknown body codec {codec!r}; a newer newsbot wrote this archive")
    if size == 0:
        return b""
    raw = decompressor.decompress(stored, max_output_size=size)
    if len(raw) != size:
        raise zstandard.ZstdError(f"body decompressed to {len(raw)} bytes, expected {size}")
    return raw
