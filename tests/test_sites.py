"""Site profiles: which URLs are articles, where editions live, clear errors for broken files."""

from pathlib import Path

import pytest

from newsbot.sites import (
    ProfileError,
    UnknownSiteError,
    known_sites,
    load_profile,
    load_profile_file,
    profile_for_url,
    split_root,
)


def test_every_euronews_edition_host_reads_with_the_euronews_profile() -> None:
    profile = load_profile("euronews")
    assert len(profile.editions) >= 13
    for edition in profile.editions.values():
        assert profile_for_url(f"https://{edition.host}/2026/03/02/x").slug == "euronews"
    assert profile_for_url("https://www.example.org/2026/03/02/x").slug == "generic"


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/2024/04/28/ireland-seeks-emergency-law", True),
        ("/my-europe/2026/03/24/us-ambassador-warns", True),
        ("/culture/culture-series/2026/03/24/karaoke-scenes", True),
        ("/video/2024/04/28/ireland-seeks-emergency-law", False),
        ("/de/video/2026/03/03/hochwasser", False),
        ("/news/europe", False),
        ("/tag/migration-policy", False),
        ("/2024/04/28/", False),
    ],
)
def test_article_urls_follow_the_profile(path: str, is_article: bool) -> None:
    assert load_profile("euronews").is_article_path(path) is is_article


def test_editions_map_to_their_hosts_or_under_a_base_url() -> None:
    profile = load_profile("euronews")
    assert profile.edition_roots(["el", "en"]) == {
        "el": "https://gr.euronews.com",
        "en": "https://www.euronews.com",
    }
    roots = profile.edition_roots(["de", "fr"], "http://127.0.0.1:8080/")
    assert roots == {"de": "http://127.0.0.1:8080/de", "fr": "http://127.0.0.1:8080/fr"}
    assert split_root("http://127.0.0.1:8080/fr/2026/03/02/x", roots) == ("fr", "/2026/03/02/x")
    assert split_root("http://127.0.0.1:8080/it/2026/03/02/x", roots) is None
    assert split_root("http://de.euronews.com/2026/03/02/x", {"de": "https://de.euronews.com"}) == (
        "de",
        "/2026/03/02/x",
    )


def test_unknown_edition_and_site_say_what_is_known() -> None:
    with pytest.raises(ProfileError, match=r"unknown edition 'xx' for euronews \(known: .*de.*\)"):
        load_profile("euronews").edition_roots(["xx"])
    with pytest.raises(UnknownSiteError, match=r"unknown site 'nosuch' \(known: .*euronews"):
        load_profile("nosuch")
    assert {"euronews", "generic"} <= set(known_sites())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[selectors]\n", "[selectors]\ntitle = 'h1'\n"), "key 'selectors.title' must be list"),
        (("title = [", "title = ['h1[[', "), r"key 'selectors.title': 'h1\[\[' is not a valid CSS"),
        (
            ("article = '", "article = '(?<"),
            "key 'urls.article': .* is not a valid regular expression",
        ),
        (('kind = "related"', 'kind = "sideways"'), r"key 'related\[0\]\.kind' must be one of"),
        (('slug = "euronews"\n', ""), "key 'slug' is missing"),
        (
            ("section_pages = 3", "section_pages = 'three'"),
            "key 'discovery.section_pages' must be int",
        ),
    ],
)
def test_a_broken_profile_names_its_file_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    source = load_profile("euronews").source.read_text(encoding="utf-8")
    old, new = change
    assert old in source
    if old == "[selectors]\n":  # replace the whole title line with a scalar
        source = source.replace("title = [", "#title = [", 1)
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProfileError, match=f"^broken.toml: {message}"):
        load_profile_file(broken)


def test_a_profile_that_is_not_toml_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("slug = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"^broken\.toml: not valid TOML"):
        load_profile_file(broken)


def test_rules_are_chosen_by_the_capture_date(tmp_path: Path) -> None:
    source = load_profile("euronews").source.read_text(encoding="utf-8")
    dated = tmp_path / "dated.toml"
    dated.write_text(
        source
        + """
[[rules]]
from = "2010-01-01"
until = "2016-01-01"
[rules.selectors]
title = ["div.headline"]
[rules.furniture]
prune = ["div.share"]
""",
        encoding="utf-8",
    )
    profile = load_profile_file(dated)
    old = profile.at("2015-06-30T12:00:00+00:00")
    assert [s.css for s in old.selectors["title"]] == ["div.headline"]
    assert [s.css for s in old.prune] == ["div.share"]
    assert old.selectors["body"] == profile.selectors["body"]  # keys not given are inherited
    assert profile.at("2016-01-01T00:00:00+00:00") is not old
    assert profile.at("2026-03-02T10:00:00+00:00") is profile
    assert profile.at(None) is profile
    # The bundled profile reads 2024-generation captures by the 2024 markup.
    euronews = load_profile("euronews")
    assert [s.css for s in euronews.at("2024-04-28").selectors["teaser"]] == ["p.c-article-summary"]


def test_a_broken_dated_rule_names_its_key(tmp_path: Path) -> None:
    source = load_profile("euronews").source.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(source + '\n[[rules]]\nuntil = "last year"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"key 'rules\[1\]\.until' must be a date"):
        load_profile_file(broken)


def test_a_broken_crop_names_its_key(tmp_path: Path) -> None:
    source = load_profile("euronews").source.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    old = 'crop = { tag = "article", class = "o-article-newsy" }'
    assert old in source
    broken.write_text(source.replace(old, 'crop = { tag = "article", class = "a b" }'), "utf-8")
    with pytest.raises(ProfileError, match=r"key 'parse\.crop\.tag' and 'class' must be"):
        load_profile_file(broken)


# -- editions under a path, extras ---------------------------------------------------------

PATHED = """
slug = "pathed"
domains = ["news.example"]
[editions]
en = { host = "news.example", language = "en" }
de = { host = "news.example", path = "/deutsch/", language = "de" }
es = { host = "news.example", path = "/mundo", language = "es" }
[urls]
article = '^/[a-z]+/a-[0-9]+$'
[meta]
page_id = ["page-id"]
"""


def pathed(tmp_path: Path, text: str = PATHED) -> Path:
    path = tmp_path / "pathed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_editions_under_a_path_have_their_own_roots(tmp_path: Path) -> None:
    profile = load_profile_file(pathed(tmp_path))
    roots = profile.edition_roots(["en", "de", "es"])
    assert roots == {
        "en": "https://news.example",
        "de": "https://news.example/deutsch",
        "es": "https://news.example/mundo",
    }
    # The longest root holding a URL is its edition; the path is relative to that root.
    assert split_root("https://news.example/mundo/politica/a-7", roots) == ("es", "/politica/a-7")
    assert split_root("https://news.example/deutsch/politik/a-7", roots) == ("de", "/politik/a-7")
    assert split_root("https://news.example/world/a-7", roots) == ("en", "/world/a-7")
    assert split_root("https://news.example/mundobueno/a-7", roots) == ("en", "/mundobueno/a-7")
    assert profile.is_article_path("/politik/a-7")
    # A mirror puts every edition under its code, whatever its path on the real site.
    assert profile.edition_roots(["es"], "http://127.0.0.1:9/") == {"es": "http://127.0.0.1:9/es"}
    assert profile.meta == {"page_id": ("page-id",)}


def test_a_profile_may_reach_its_editions_over_http(tmp_path: Path) -> None:
    profile = load_profile_file(pathed(tmp_path, 'scheme = "http"\n' + PATHED))
    assert profile.edition_roots(["de"]) == {"de": "http://news.example/deutsch"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('path = "/mundo"', 'path = "mundo"'), r"key 'editions\.es\.path' must be a path like"),
        (('path = "/mundo"', 'path = "/m?x=1"'), r"key 'editions\.es\.path' must be a path like"),
        (('path = "/mundo"', 'paht = "/mundo"'), r"key 'editions\.es\.paht' is not an edition key"),
        (
            ('path = "/mundo"', 'path = "/deutsch"'),
            r"key 'editions\.es' has the same host and path",
        ),
        (
            ('host = "news.example", p', 'host = "https://news.example", p'),
            r"key 'editions\.de\.host' must be a host",
        ),
        (('page_id = ["', 'title = ["'), r"key 'meta\.title' is an article field of its own"),
        (('page_id = ["', 'Page-Id = ["'), r"key 'meta\.Page-Id' is not a field name"),
        (('slug = "pathed"', 'slug = "Pathed News"'), r"key 'slug' must be lower-case"),
        (("[editions]", 'scheme = "ftp"\n[editions]'), r"key 'scheme' must be https or http"),
    ],
)
def test_a_broken_edition_or_extra_names_its_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in PATHED
    with pytest.raises(ProfileError, match=f"^pathed.toml: {message}"):
        load_profile_file(pathed(tmp_path, PATHED.replace(old, new, 1)))


def test_euronews_reads_its_ids_as_extras() -> None:
    assert dict(load_profile("euronews").meta) == {
        "story_id": ("storyid",),
        "event_id": ("eventid",),
    }
