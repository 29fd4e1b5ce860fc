"""The real site's addressing, for pages rendered outside the demo server (extraction fixtures).

Pages are rendered once for the demo's single-host layout: absolute URLs start with the base
placeholder and every path starts with its edition (``@@BASE@@/de/2026/03/02/slug``). On the real
site each edition has a host of its own and paths start below it
(``https://de.euronews.com/2026/03/02/slug``). :func:`on_edition_hosts` rewrites a rendered page
from the first form to the second the way the real templates write links: ``<head>`` links and
links inside the article text in https, the rest of the 2026 body with ``http://`` hrefs to the
site (the site redirects them), the rest of the 2024 body with root-relative links within the
edition and https across editions.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from newsbot.demo.model import BASE, BASE_QUOTED, SECURE_BASE

#: Host of each language edition on the real site.
EDITION_HOSTS: dict[str, str] = {
    "en": "www.euronews.com",
    "fr": "fr.euronews.com",
    "de": "de.euronews.com",
    "it": "it.euronews.com",
    "es": "es.euronews.com",
    "pt": "pt.euronews.com",
    "ru": "ru.euronews.com",
    "tr": "tr.euronews.com",
    "el": "gr.euronews.com",
    "hu": "hu.euronews.com",
    "pl": "pl.euronews.com",
    "ar": "arabic.euronews.com",
}
_LANGS = "|".join(EDITION_HOSTS)
_ABSOLUTE = re.compile(re.escape(BASE) + rf"(?:/({_LANGS})(?=[/?#\"']))?/?")
_QUOTED = re.compile(re.escape(BASE_QUOTED) + rf"(?:%2F({_LANGS})(?=%2F|%3F|&|\"))?(?:%2F)?")
_SECURE = re.compile(re.escape(SECURE_BASE) + rf"/({_LANGS})/")
_ROOT_RELATIVE = re.compile(rf"(?<=\")/({_LANGS})/")


def edition_url(path: str, scheme: str = "https") -> str:
    """The real URL of a demo path (``/el/green/2026/...`` → ``https://gr.euronews.com/green/...``)."""
    lang, _, rest = path.lstrip("/").partition("/")
    return f"{scheme}://{EDITION_HOSTS[lang]}/{rest}"


def _rewrite(text: str, language: str, scheme: str, relative: bool) -> str:
    own = EDITION_HOSTS[language]

    def absolute(m: re.Match[str]) -> str:
        return f"{scheme}://{EDITION_HOSTS[m.group(1)] if m.group(1) else own}/"

    def quoted(m: re.Match[str]) -> str:
        return quote(absolute(m), safe="")

    def root_relative(m: re.Match[str]) -> str:
        if relative and m.group(1) == language:
            return "/"
        return f"{scheme}://{EDITION_HOSTS[m.group(1)]}/"

    text = _SECURE.sub(lambda m: f"https://{EDITION_HOSTS[m.group(1)]}/", text)
    text = _QUOTED.sub(quoted, text)
    text = _ABSOLUTE.sub(absolute, text)
    return _ROOT_RELATIVE.sub(root_relative, text)


def on_edition_hosts(page: str, language: str, template: int) -> str:
    """``page`` (rendered for the demo layout) with every site URL on the real edition hosts."""
    cut = page.find("</head>")
    head, body = (page[:cut], page[cut:]) if cut >= 0 else ("", page)
    body_scheme = "http" if template == 2026 else "https"
    return _rewrite(head, language, "https", relative=False) + _rewrite(
        body, language, body_scheme, relative=True
    )
