"""Icons, asset names and picture sizes of the demo pages: the small markup every page of the
real site carries around its content."""

from __future__ import annotations

from newsbot.demo.model import digest

_LOGO = (
    '<svg width="160" height="28" viewBox="0 0 160 28" role="img" aria-label="Euronews">'
    '<circle cx="14" cy="14" r="12" fill="#0172f0"/><path d="M8 14h12M14 8v12" stroke="#fff" '
    'stroke-width="2"/><text x="32" y="20" font-family="Arial, sans-serif" font-size="18" '
    'font-weight="700" fill="#1b2a4e">euronews.</text></svg>'
)
#: The page's icons: the logo drawn in full, the others from the icon sprite real pages carry at
#: the top of <body> (``sitegen.padding`` draws it; the demo pages go without).
ICONS: dict[str, str] = {
    name: f'<svg class="icon icon-{name}" width="24" height="24" aria-hidden="true">'
    f'<use href="#icon-{name}"/></svg>'
    for name in (
        "home", "share", "comment", "search", "language", "newsletter", "video", "play", "info",
        "close",
    )
} | {"logo": _LOGO}  # fmt: skip


def asset(name: str) -> str:
    """Root-relative path of a build asset with a content-hash-like prefix."""
    return f"/build/{digest('asset:' + name)}-{name}"


STYLESHEETS_2024 = ("article_base.css", "article_newsy.css", "article_immersive.css", "fonts.css")
STYLESHEETS_2026 = (
    "reduce-cls.css", "common.css", "trumps.css", "header.css", "consent.css",
    "swiper_bundle.css", "article_newsy.css", "article-video.css", "article_vertical.css",
    "article_base.css", "fonts.css",
)  # fmt: skip
SCRIPTS = ("runtime.js", "vendors.js", "main.js", "article.js", "video-player.js")
PRECONNECT = (
    "https://static.newsbot-demo.invalid/",
    "https://ads.newsbot-demo.invalid/",
    "https://consent.newsbot-demo.invalid/",
    "https://comments.newsbot-demo.invalid/",
    "https://recommend.newsbot-demo.invalid/",
    "https://metrics.newsbot-demo.invalid/",
)


SOCIAL = (
    ("facebook", "https://www.facebook.com/euronews"),
    ("x", "https://x.com/euronews"),
    ("instagram", "https://www.instagram.com/euronews.tv/"),
    ("youtube", "https://www.youtube.com/user/euronewsnetwork"),
    ("tiktok", "https://www.tiktok.com/@euronews"),
    ("linkedin", "https://www.linkedin.com/company/euronews"),
    ("flipboard", "https://flipboard.com/@euronews"),
    ("telegram", "https://t.me/euronews"),
    ("whatsapp", "https://whatsapp.com/channel/euronews"),
    ("bluesky", "https://bsky.app/profile/euronews.com"),
)


_WIDTHS = (320, 432, 640, 1024, 1920)


def srcset(image: str) -> str:
    """``srcset`` and ``sizes`` attributes of a picture at the usual responsive widths."""
    folder, _, name = image.rpartition("/")
    candidates = ", ".join(f"{folder}/{w}x{w * 9 // 16}_{name} {w}w" for w in _WIDTHS)
    return (
        f' srcset="{candidates}" sizes="(max-width: 767px) 100vw, (max-width: 1023px) 50vw, '
        '(max-width: 1279px) 33vw, 384px"'
    )
