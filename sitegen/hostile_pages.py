"""The pages of the hostile server (:mod:`sitegen.hostile`) that are more than an answer
code: articles in charset traps, DOM bombs, 429/503 storms and the sitemaps (bombs, a huge
one, an endless chain of indexes). Plain functions of bytes, no server.
"""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Iterable
from functools import cache

PARAGRAPHS = (
    "The ferry between the two islands ran again on Thursday after the harbour wall was "
    "repaired, and the first crossing carried forty cars and a school choir.",
    "Engineers had worked through three nights to replace the stones the winter storm had "
    "pulled loose, and the harbour master said the wall should now last another century.",
    "Islanders who had waited a week for deliveries lined the quay to watch the boat come "
    "in, and the baker sold out of bread an hour after the first van drove off the ramp.",
)

#: A paragraph of the charset traps: letters that come out wrong in the wrong charset.
ACCENTED = (
    "At the café on the quay, Zoë Brûlé sold crêpes for three euros each and said the "
    "crossing was “the best day since the spring tide of ’98”."
)


def article(
    title: str,
    stray: bytes = b"",
    *,
    paragraphs: Iterable[str] = PARAGRAPHS,
    head: str = '<meta charset="utf-8">',
    canonical: str = "",
    filler: str = "",
) -> bytes:
    """An article page as bytes (UTF-8); ``stray`` is put inside its head (a NUL byte, say).
    ``head``: what declares its charset; ``canonical``: its rel=canonical URL, if any;
    ``filler``: markup between the title and the text (a DOM bomb)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    top = (
        f'<!DOCTYPE html><html lang="en"><head>{head}<title>{title}</title>{link}'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-03-20T09:00:00+00:00">'
    )
    rest = f"</head><body><article><h1>{title}</h1>{filler}{body}</article></body></html>"
    return top.encode() + stray + rest.encode()


CHARSET_TITLE = "Café on the quay reopens"


def _accented(head: str = "") -> str:
    return article(CHARSET_TITLE, paragraphs=(*PARAGRAPHS, ACCENTED), head=head).decode()


#: Charset traps: path → (Content-Type, body). Each is the same article, with ACCENTED in it.
CHARSET_TRAPS: dict[str, tuple[str, bytes]] = {
    # UTF-8 bytes, declared iso-8859-1 (common on old servers).
    "/charset/declared-latin1": ("text/html; charset=iso-8859-1", _accented().encode()),
    # A charset no codec has.
    "/charset/bogus": ("text/html; charset=x-klingon-7", _accented().encode()),
    # UTF-16 with a byte order mark, declared as nothing in particular.
    "/charset/utf16-bom": ("text/html", b"\xff\xfe" + _accented().encode("utf-16-le")),
    # Windows-1252 bytes, the header says UTF-8, the page's meta says windows-1252.
    "/charset/meta-contradicts": (
        "text/html; charset=utf-8",
        _accented('<meta charset="windows-1252">').encode("cp1252"),
    ),
    # UTF-8 bytes, the header says windows-1251, the meta koi8-r: both wrong.
    "/charset/both-wrong": (
        "text/html; charset=windows-1251",
        _accented('<meta charset="koi8-r">').encode(),
    ),
}


def deep_page(depth: int = 100_000) -> bytes:
    """An article inside ``depth`` nested divs."""
    page = article("Nested a hundred thousand deep", filler="<div>" * depth)
    return page.replace(b"</article>", b"</div>" * depth + b"</article>")


def wide_page(elements: int = 1_000_000) -> bytes:
    """An article after ``elements`` empty line breaks (four bytes each)."""
    return article("A million line breaks", filler="<br>" * elements)


#: 429/503 storms: path → (status, Retry-After or None). Every request to them gets it.
STORMS: dict[str, tuple[int, str | None]] = {
    "/storm/429": (429, None),
    "/storm/429-wait-1": (429, "1"),
    "/storm/503-wait-1": (503, "1"),
    "/storm/429-ten-years": (429, "315360000"),
    "/storm/503-year-9999": (503, "Fri, 31 Dec 9999 23:59:59 GMT"),
    "/storm/429-huge-number": (429, "9" * 400),
    "/storm/503-negative": (503, "-5"),
    "/storm/429-garbage": (429, "soon, maybe"),
    "/storm/503-past-date": (503, "Mon, 01 Jan 2001 00:00:00 GMT"),
}


def urlset(urls: Iterable[str]) -> bytes:
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()


def sitemap_index(urls: Iterable[str]) -> bytes:
    locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return (
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
    ).encode()


def shuffled(paths: Iterable[str], seed: int | None) -> list[str]:
    """``paths`` in a seeded random order (as given when ``seed`` is None)."""
    out = list(paths)
    if seed is not None:
        random.Random(seed).shuffle(out)
    return out


@cache
def sitemap_bomb(size: int, coding: str = "gzip") -> bytes:
    """A urlset that inflates to ``size`` bytes of blanks, in ``coding`` (gzip or deflate)."""
    head = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    inflated = head + b" " * size + b"</urlset>"
    return gzip.compress(inflated, mtime=0) if coding == "gzip" else zlib.compress(inflated)
