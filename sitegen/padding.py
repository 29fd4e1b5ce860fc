"""Bulk that brings rendered pages to the real site's size: inline utility CSS, a feature-flag
store, an icon sprite, consent and ad configurations.

Real article pages are 150-400 KB, mostly of this kind of thing. The demo site serves its pages
without it; the extraction fixtures (which must be as large as the real pages, see
tests/test_extract_fixtures.py) and the benchmark site (whose page size is what the crawl and
archive benches measure) add it with :func:`sitegen.chrome_bulk.pad`. Generated from fixed
tables: every render is byte-identical.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache

from newsbot.demo.assets import SOCIAL

BREAKPOINTS = (
    ("", ""),
    ("small", "(max-width: 767px)"),
    ("medium", "(min-width: 768px)"),
    ("large", "(min-width: 1024px)"),
    ("xlarge", "(min-width: 1280px)"),
)
_SIDES = (
    ("top", ("top",)),
    ("bottom", ("bottom",)),
    ("start", ("inline-start",)),
    ("end", ("inline-end",)),
    ("x", ("inline-start", "inline-end")),
    ("y", ("top", "bottom")),
)
_COLOURS = (
    ("blue", "#0172f0"),
    ("navy", "#1b2a4e"),
    ("grey", "#6b7280"),
    ("light", "#f3f4f6"),
    ("white", "#ffffff"),
    ("black", "#111111"),
    ("red", "#d7263d"),
    ("green", "#1f9d55"),
)


@cache
def utility_css() -> str:
    """A block of utility classes like the critical CSS real sites inline (about 40 KB)."""
    rules: list[str] = []
    for bp, media in BREAKPOINTS:
        block: list[str] = []
        infix = f"{bp}-" if bp else ""
        for prop in ("margin", "padding"):
            for side, logical in _SIDES:
                for step in range(0, 9):
                    decl = ";".join(f"{prop}-{p}:{step * 8}px" for p in logical)
                    block.append(f".u-{prop}-{side}-{infix}{step}{{{decl}}}")
        for name, value in _COLOURS:
            block.append(f".u-color-{infix}{name}{{color:{value}}}")
            block.append(f".u-background-{infix}{name}{{background-color:{value}}}")
        for size in range(10, 41, 2):
            block.append(f".u-font-size-{infix}{size}{{font-size:{size / 16:.4g}rem}}")
        for display in ("none", "block", "flex", "grid", "inline-block", "inline-flex"):
            block.append(f".u-display-{infix}{display}{{display:{display}}}")
        if media:
            rules.append(f"@media {media}{{{''.join(block)}}}")
        else:
            rules.extend(block)
    rules.append(
        ".c-article-redesign-title{font-size:2rem;line-height:1.2;margin:0 0 16px}"
        ".c-article-summary{font-weight:700;font-size:1.125rem}"
        ".c-article-content p{font-size:1.0625rem;line-height:1.6;margin:0 0 20px}"
        ".c-ad{min-height:250px;background:#f3f4f6;text-align:center}"
        ".c-ad__placeholder span{font-size:.625rem;letter-spacing:.1em;color:#6b7280}"
        ".c-widget-related{border-left:4px solid #0172f0;padding:8px 16px;margin:24px 0}"
        ".widget--type-related{border-top:1px solid #d1d5db;padding:12px 0}"
        ".the-media-object{display:grid;grid-template-columns:120px 1fr;gap:12px}"
        ".c-article-footer__sources{font-size:.875rem;color:#6b7280;margin-top:24px}"
    )
    return "\n".join(rules)


_FEATURES = (
    "StickyFloor",
    "Outstream",
    "NativeAds",
    "Vuukle",
    "Outbrain",
    "VideoPreroll",
    "VideoAutoplay",
    "PlaylistNext",
    "BreakingNewsBar",
    "LiveTicker",
    "WeatherWidget",
    "NewsletterPopup",
    "LoginWall",
    "PaywallMeter",
    "ConsentBanner",
    "GeoBlocking",
    "LazyImages",
    "WebVitals",
    "InfiniteSwipe",
    "SmartBanner",
    "PushNotifications",
    "DarkMode",
    "AudioArticles",
    "ReadingTime",
    "ShareCounter",
    "CommentsCounter",
    "RelatedWidget",
    "TopStoriesAside",
    "MostReadAside",
    "EmbedLinkCopy",
)
_ALL_LANGS = ("en", "fr", "de", "it", "es", "pt", "ru", "tr", "el", "hu", "pl", "ar", "fa")


@cache
def feature_store_b64(language: str) -> str:
    """Base64 JSON of feature switches per edition, like a global store meta (about 30 KB)."""
    flags: dict[str, object] = {}
    for i, feature in enumerate(_FEATURES):
        per_lang = {}
        for j, lang in enumerate(_ALL_LANGS):
            per_lang[lang] = {
                "enabled": (i * 7 + j * 3) % 5 != 0,
                "rollout": (i * 13 + j * 29) % 101,
                "variant": "abcd"[(i + j) % 4],
                "since": f"2023-{(i % 12) + 1:02d}-{(j % 27) + 1:02d}",
            }
        flags[feature] = {"languages": per_lang, "default": i % 3 != 0, "owner": f"team-{i % 6}"}
    store = {"keyValues": {"feature_flipping": flags}, "context": {"language": language}}
    raw = json.dumps(store, separators=(",", ":"), sort_keys=True).encode("ascii")
    return base64.b64encode(raw).decode("ascii")


def path_data(seed: str, segments: int) -> str:
    """SVG path data drawn from a seed: the long ``d`` attributes of real icon sets."""
    raw = b""
    counter = 0
    while len(raw) < segments * 6:
        raw += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    out = [f"M{raw[0] % 24}.{raw[1] % 10} {raw[2] % 24}.{raw[3] % 10}"]
    for i in range(segments):
        b = raw[i * 6 : i * 6 + 6]
        out.append(
            f"c{b[0] % 9 - 4}.{b[1] % 100:02d} {b[2] % 9 - 4}.{b[3] % 100:02d} "
            f"{b[4] % 13 - 6}.{b[5] % 100:02d} {b[0] % 11 - 5}.{b[2] % 100:02d}"
        )
    return "".join(out) + "z"


#: Icons of the page-wide sprite (``<use href="#icon-…">``) and of the footer's social links.
SPRITE_ICONS = (
    "home", "share", "comment", "search", "language", "newsletter", "video", "play", "info",
    "close", "arrow-left", "arrow-right", "arrow-up", "arrow-down", "chevron", "play-circle",
    "pause", "volume", "mute", "fullscreen", "clock", "calendar", "location", "weather-sun",
    "weather-cloud", "weather-rain", "bookmark", "print", "link", "mail", "user", "bell",
    "moon", "sun", "podcast", "live-dot", "quote", "camera", "gallery", "download",
)  # fmt: skip


@cache
def sprite() -> str:
    """A hidden SVG sprite of the page's icons, as templates inline at the top of <body>."""
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="{path_data(name, 22)}"/>'
        f'<path d="{path_data(name + ":2", 6)}" opacity=".4"/></symbol>'
        for name in SPRITE_ICONS
    )
    # The footer's social links use these (``<use href="#icon-facebook">``).
    symbols += "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24">'
        f'<path d="{path_data("social:" + name, 34)}"/></symbol>'
        for name, _ in SOCIAL
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="u-display-none" aria-hidden="true" '
        f'style="position:absolute;width:0;height:0;overflow:hidden">{symbols}</svg>'
    )


@cache
def consent_config() -> str:
    """The consent manager's inline vendor configuration (2024 template, about 15 KB)."""
    vendors = [
        {
            "id": i,
            "name": f"Partner {i:03d}",
            "purposes": [p for p in range(1, 11) if (i * p) % 3 != 0],
            "legIntPurposes": [p for p in range(2, 11) if (i + p) % 4 == 0],
            "specialFeatures": [1] if i % 7 == 0 else [],
            "cookieMaxAgeSeconds": 86400 * (1 + i % 13),
            "policyUrl": f"https://partners.newsbot-demo.invalid/{i:03d}/privacy",
        }
        for i in range(1, 171)
    ]
    config = {"version": 2, "gdprApplies": True, "vendorListVersion": 187, "vendors": vendors}
    return json.dumps(config, separators=(",", ":"))


@cache
def ad_config(site: str) -> str:
    """An ad server's inline slot configuration (sizes, targeting, refresh rules; about 20 KB)."""
    sizes = [[300, 250], [300, 600], [320, 50], [320, 100], [728, 90], [970, 250], [160, 600]]
    slots = [
        {
            "id": f"{site}-slot-{i:02d}",
            "path": f"/6458/{site}/{('home', 'article', 'section', 'video')[i % 4]}/pos{i}",
            "sizes": [sizes[(i + k) % len(sizes)] for k in range(1 + i % 4)],
            "targeting": {"pos": f"pos{i}", "kw": [f"k{(i * k) % 17}" for k in range(1, 6)]},
            "refresh": {"seconds": 30 + (i % 5) * 15, "maxRefreshes": i % 6},
            "lazy": {"fetchMarginPercent": 30 + i % 40, "renderMarginPercent": 10 + i % 20},
            "bidders": [
                {"bidder": f"bidder{b}", "params": {"placementId": (i * 7919 + b) % 100000}}
                for b in range(1 + i % 5)
            ],
        }
        for i in range(1, 49)
    ]
    return json.dumps({"site": site, "slots": slots}, separators=(",", ":"))
