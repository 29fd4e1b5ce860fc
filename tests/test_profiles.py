"""Sites as data: a user's own profiles (NEWSBOT_PROFILES), every profile a spider of its own
(scrapy list / scrapy crawl / newsbot crawl without a Python file), editions under a path
prefix crawled for real from a small site served on 127.0.0.1, and clear one-line errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, run_newsbot

from newsbot.demo.responses import HTML, DemoResponse
from newsbot.sites import (
    ProfileError,
    UnknownSiteError,
    known_sites,
    load_profile,
    profile_dirs,
    profile_for_url,
    use_profile_dirs,
)
from sitegen import DemoServer

MINIMAL = """
slug = "{slug}"
domains = ["{domain}"]
[editions]
en = {{ host = "www.{domain}", language = "en" }}
[urls]
article = '^/news/.+'
"""


def write(folder: Path, slug: str, text: str | None = None, domain: str = "mine.example") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text(text if text is not None else MINIMAL.format(slug=slug, domain=domain))
    return path


@pytest.fixture
def own_profiles() -> Iterator[None]:
    """Tests that tell newsbot.sites of folders leave it reading the environment again."""
    yield
    use_profile_dirs(None)


# -- a user's profiles ------------------------------------------------------------------------


def test_a_users_folder_adds_sites_beside_the_bundled_ones(
    tmp_path: Path, own_profiles: None
) -> None:
    write(tmp_path / "a", "mine")
    write(tmp_path / "b", "theirs", domain="theirs.example")
    before = set(known_sites())
    use_profile_dirs(f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    assert set(known_sites()) == before | {"mine", "theirs"}
    assert load_profile("mine").edition_roots() == {"en": "https://www.mine.example"}
    assert profile_for_url("https://www.theirs.example/news/x").slug == "theirs"
    assert profile_for_url("https://www.euronews.com/2026/03/02/x").slug == "euronews"
    use_profile_dirs([])
    with pytest.raises(UnknownSiteError, match="unknown site 'mine'"):
        load_profile("mine")


def test_the_environment_names_the_folders_until_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_profiles: None
) -> None:
    write(tmp_path, "mine")
    monkeypatch.setenv("NEWSBOT_PROFILES", str(tmp_path))
    assert profile_dirs() == (tmp_path,)
    assert load_profile("mine").slug == "mine"
    use_profile_dirs([])
    assert "mine" not in known_sites()


def test_a_users_profile_with_a_bundled_slug_is_an_error_naming_both_files(
    tmp_path: Path, own_profiles: None
) -> None:
    mine = write(tmp_path, "euronews", domain="euronews.example")
    with pytest.raises(ProfileError) as error:
        use_profile_dirs([tmp_path])
    message = str(error.value)
    assert str(mine) in message and str(load_profile("euronews").source) in message


def test_two_users_files_with_one_slug_are_an_error_naming_both(
    tmp_path: Path, own_profiles: None
) -> None:
    first, second = write(tmp_path / "a", "mine"), write(tmp_path / "b", "mine")
    with pytest.raises(ProfileError, match=f"{second} and {first} both define the site 'mine'"):
        use_profile_dirs([tmp_path / "a", tmp_path / "b"])


def test_a_folder_that_is_not_there_is_named(tmp_path: Path, own_profiles: None) -> None:
    with pytest.raises(ProfileError, match=f"NEWSBOT_PROFILES: {tmp_path / 'nope'} is not"):
        use_profile_dirs([tmp_path / "nope"])


def test_a_files_name_is_its_slug(tmp_path: Path, own_profiles: None) -> None:
    write(tmp_path, "mine", MINIMAL.format(slug="yours", domain="mine.example"))
    use_profile_dirs([tmp_path])
    with pytest.raises(ProfileError, match=r"mine\.toml: key 'slug' is 'yours', but the file is"):
        load_profile("mine")


def test_bundled_profiles_are_found_in_a_zipped_install(tmp_path: Path) -> None:
    # The package as a zip on sys.path (an egg, a zipapp): no folder to glob.
    bundle = tmp_path / "newsbot.zip"
    with zipfile.ZipFile(bundle, "w") as zipped:
        for path in (REPO / "newsbot").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(REPO).as_posix())
    script = (
        f"import newsbot.sites as s; assert s.__file__.startswith({str(bundle)!r}), s.__file__; "
        "print(' '.join(s.known_sites()), s.load_profile('euronews').name)"
    )
    env = {**os.environ, "PYTHONPATH": str(bundle), "NEWSBOT_PROFILES": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    names, _, name = result.stdout.strip().rpartition(" ")
    assert {"euronews", "generic"} <= set(names.split()) and name == "Euronews"


# -- errors on the command line -----------------------------------------------------------------


def test_an_unknown_site_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_newsbot("crawl", "nosuch", "--archive", str(tmp_path / "a.db"))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1), result.stderr
    assert result.stderr.startswith("newsbot: error: unknown site 'nosuch' (known: ")
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL.format(slug="mine", domain="x").replace("[urls]", "[urlz]"), "key 'urls' is"),
        ("slug = 'mine'\n[editions]\nen = 'www.x'\n", "key 'editions.en' must be dict"),
        ("slug = ", "not valid TOML"),
    ],
)
def test_a_broken_users_profile_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "profiles", "mine", text)
    result = run_newsbot(
        "crawl", "mine", "-s", f"NEWSBOT_PROFILES={path.parent}",
        "--archive", str(tmp_path / "a.db"),
    )  # fmt: skip
    assert (result.returncode, result.stderr.count("\n")) == (2, 1), result.stderr
    assert result.stderr.startswith(f"newsbot: error: {path}: {message}")


# -- every profile is a spider ------------------------------------------------------------------


def scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The scrapy command of this environment, run from the project folder (scrapy.cfg)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def test_scrapy_lists_a_spider_for_every_profile_the_users_too(tmp_path: Path) -> None:
    write(tmp_path, "mine")
    result = scrapy("list", env={"NEWSBOT_PROFILES": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split()
    assert {"euronews", "generic", "mine"} <= set(listed)
    assert listed == sorted(listed)
    assert not list((REPO / "newsbot" / "spiders").glob("euronews.py"))


# -- a site with editions under path prefixes, crawled for real -----------------------------------

#: The local site's articles: edition → (path below the edition's root, title, page id). The
#: en edition has the host's root, and de and es live under it: a crawl of en must not take
#: their pages for its own, nor a crawl of them an en page.
ARTICLES = {
    "de": [
        ("/politik/a-101", "Der Stadtrat stimmt über den neuen Busfahrplan ab", "p101"),
        ("/kultur/a-102", "Ein altes Kino öffnet als Bürgerzentrum wieder", "p102"),
    ],
    "es": [
        ("/politica/a-201", "El ayuntamiento aprueba el nuevo horario de autobuses", "p201"),
        ("/cultura/a-202", "Un cine antiguo reabre como centro vecinal", "p202"),
    ],
    "en": [("/world/a-301", "The council votes on the new bus timetable", "p301")],
}
LANGUAGE = {"de": "de", "es": "es", "en": "en"}
PARAGRAPH = {
    "de": "Die Sitzung dauerte bis in den späten Abend, und viele Anwohner verfolgten sie im "
    "Saal. Am Ende stand eine knappe Mehrheit, die Verwaltung soll bis zum Herbst berichten.",
    "es": "La sesión se alargó hasta bien entrada la noche y muchos vecinos la siguieron desde "
    "la sala. Al final hubo una mayoría estrecha y la administración informará en otoño.",
    "en": "The meeting ran late into the evening and many residents followed it from the "
    "public gallery. In the end a narrow majority carried the motion.",
}


class PathSite:
    """A small news site whose editions live under path prefixes of one host (``prefixes``:
    edition → prefix, "" for the host's root), each with a sitemap, a home page listing its
    articles (and a video page, and one article of another edition) and the article pages."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self.pages: dict[str, bytes] = {}
        for edition, articles in ARTICLES.items():
            prefix = prefixes[edition]
            links = [prefix + path for path, _, _ in articles]
            links.append(f"{prefix}/video/a-999")
            # One article of each other edition, as sites cross-link their editions.
            links += [prefixes[e] + ARTICLES[e][0][0] for e in ARTICLES if e != edition]
            self.pages[f"{prefix}/"] = self.html(
                edition, "Home", "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
            )
            self.pages[f"{prefix}/sitemap.xml"] = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>BASE{prefix}{p}</loc></url>" for p, _, _ in articles)
                + "</urlset>"
            ).encode()
            for path, title, page_id in articles:
                body = f'<h1>{title}</h1><div class="text"><p>{PARAGRAPH[edition]}</p></div>'
                meta = f'<meta name="page-id" content="{page_id}">'
                self.pages[prefix + path] = self.html(edition, title, body, meta)

    @staticmethod
    def html(edition: str, title: str, body: str, head: str = "") -> bytes:
        return (
            f'<!DOCTYPE html><html lang="{LANGUAGE[edition]}"><head><meta charset="utf-8">'
            f"<title>{title}</title>{head}</head><body><article>{body}</article></body></html>"
        ).encode()

    def article_urls(self, base: str, editions: tuple[str, ...]) -> set[str]:
        return {base + self.prefixes[e] + p for e in editions for p, _, _ in ARTICLES[e]}

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse:
        body = self.pages.get(path_and_query)
        if body is None:
            return DemoResponse(404, [("Content-Type", "text/plain")], b"not found\n")
        body = body.replace(b"BASE", base_url.encode())
        kind = "application/xml" if path_and_query.endswith(".xml") else HTML
        return DemoResponse(200, [("Content-Type", kind)], body)


PROFILE = """
slug = "pfad"
name = "Pfad News"
# (Not 127.0.0.1: URLs on a profile's domains are written https, as sites link to themselves
# over both.)
domains = ["pfad.example"]
scheme = "http"
default_editions = ["de", "es"]
[editions]
en = {{ host = "{host}", language = "en" }}
de = {{ host = "{host}", path = "/deutsch", language = "de" }}
es = {{ host = "{host}", path = "/mundo", language = "es" }}
[discovery]
sitemap_indexes = ["/sitemap.xml"]
sections = ["/"]
[urls]
# Sections may nest (/politik/land/a-1): the en edition's pattern alone would take /mundo/… too.
article = '^/(?:[a-z]+/)+a-[0-9]+$'
exclude = ['^/video/']
[selectors]
body = ["div.text"]
title = ["h1"]
[meta]
page_id = ["page-id"]
"""


def rows(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql).fetchall()


def assert_crawled(archive: Path, site: PathSite, base: str, editions: tuple[str, ...]) -> None:
    """The archive holds the articles of ``editions`` (their page ids as extras) and nothing
    of the other edition, no video page."""
    expected = site.article_urls(base, editions)
    articles = rows(archive, "select canonical_url, site, language, extras from articles")
    assert {url for url, *_ in articles} == expected
    ids = {page_id for e in editions for _, _, page_id in ARTICLES[e]}
    assert {json.loads(extras)["page_id"] for *_, extras in articles} == ids
    assert {(s, lang) for _, s, lang, _ in articles} == {("pfad", LANGUAGE[e]) for e in editions}
    fetched = {url for (url,) in rows(archive, "select url from captures")}
    (other,) = set(ARTICLES) - set(editions)
    assert fetched & site.article_urls(base, (other,)) == set()
    assert not any("/video/" in url for url in fetched)


def test_editions_under_path_prefixes_are_crawled_from_a_profile_alone(tmp_path: Path) -> None:
    site = PathSite({"en": "", "de": "/deutsch", "es": "/mundo"})
    with DemoServer(site) as server:  # type: ignore[arg-type]
        write(tmp_path / "profiles", "pfad", PROFILE.format(host=f"127.0.0.1:{server.port}"))
        archive = tmp_path / "a.db"
        result = run_newsbot(
            "crawl", "pfad", "--editions", "en,de", "--archive", str(archive), "--quiet",
            "-s", f"NEWSBOT_PROFILES={tmp_path / 'profiles'}",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert_crawled(archive, site, server.base_url, ("en", "de"))


def test_a_mirror_of_path_prefixed_editions_with_scrapy_crawl(tmp_path: Path) -> None:
    # On a mirror every edition lives under its code, whatever its path on the real site.
    site = PathSite({"en": "/en", "de": "/de", "es": "/es"})
    with DemoServer(site) as server:  # type: ignore[arg-type]
        write(tmp_path / "profiles", "pfad", PROFILE.format(host="www.pfad.example"))
        archive = tmp_path / "a.db"
        result = scrapy(
            "crawl", "pfad", "-a", f"base_url={server.base_url}", "-a", "editions=de,es",
            "-s", f"NEWSBOT_ARCHIVE={archive}", "-s", "LOG_LEVEL=WARNING",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            env={"NEWSBOT_PROFILES": str(tmp_path / "profiles")},
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert_crawled(archive, site, server.base_url, ("de", "es"))


# -- discovery sources outside every edition --------------------------------------------------

ABSOLUTE = """
slug = "{slug}"
domains = ["news.example"]
[editions]
en = {{ host = "news.example", path = "/en", language = "en" }}
de = {{ host = "news.example", path = "/de", language = "de" }}
[discovery]
news_sitemaps = ["https://news.example/sitemaps/news-index.xml"]
feeds = ["https://feeds.news.example/{{code}}/rss.xml", "/feed.xml"]
[urls]
article = '^/.+'
"""


def start_urls(slug: str, **arguments: str) -> tuple[list[str], list[str]]:
    """The URLs a profile's spider asks for first, and the domains it may fetch from."""
    import asyncio

    from scrapy.utils.test import get_crawler

    from newsbot.spiders.loader import spider_class

    cls = spider_class(slug)
    spider = cls.from_crawler(get_crawler(cls), **arguments)

    async def collect() -> list[str]:
        return [request.url async for request in spider.start()]

    return asyncio.run(collect()), list(spider.allowed_domains)


def test_a_profile_names_listings_outside_its_editions_by_whole_urls(
    tmp_path: Path, own_profiles: None
) -> None:
    use_profile_dirs([write(tmp_path, "abs", ABSOLUTE.format(slug="abs")).parent])
    urls, domains = start_urls("abs", editions="en,de")
    # The shared sitemap once, each edition's feed on the feed host, the relative feeds as ever.
    assert urls.count("https://news.example/sitemaps/news-index.xml") == 1
    assert "https://feeds.news.example/en/rss.xml" in urls
    assert "https://feeds.news.example/de/rss.xml" in urls
    assert "https://news.example/en/feed.xml" in urls and "https://news.example/de/feed.xml" in urls
    assert set(domains) == {"news.example", "feeds.news.example"}


def test_a_mirror_reads_only_the_listings_under_its_editions(
    tmp_path: Path, own_profiles: None
) -> None:
    use_profile_dirs([write(tmp_path, "abs", ABSOLUTE.format(slug="abs")).parent])
    urls, domains = start_urls("abs", editions="en", base_url="http://127.0.0.1:9")
    assert urls == ["http://127.0.0.1:9/en/feed.xml"]
    assert domains == ["127.0.0.1"]
