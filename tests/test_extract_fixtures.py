"""The extraction fixture corpus: every stored page must extract to its expected article.

A case is a folder of tests/fixtures/extract/: page.html (the bytes as served), meta.json (URL,
site, Content-Type, language, template, what it covers, the true body, must-contain and
must-not-contain snippets) and expected.json (the article, or null for a page that is not one).
The pages and the expectations are built from the project's own stories by
tests/fixtures/build_extract_fixtures.py (its folders carry its ``built_by`` mark; the builder
leaves any other folder alone); one test per case and field, plus "no unexpected fields", the
text snippets, the non-articles, and checks of the corpus as a whole.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import lxml.html
import pytest

from newsbot.extract import Article, NotArticle, extract_article

FIXTURES = Path(__file__).parent / "fixtures"
CASES_DIR = FIXTURES / "extract"
BUILDER = FIXTURES / "build_extract_fixtures.py"
REGENERATE = (
    "if the new value is right, `newsbot eval tests/fixtures/extract --diff` prints the change "
    "to expected.json: read it, then apply it by hand (`git apply`)"
)
META_KEYS = {
    "url",
    "site",
    "content_type",
    "fetched_at",
    "language",
    "template",
    "description",
    "covers",
    "body",
    "subheads",
    "must_contain",
    "must_not_contain",
    "built_by",
}
#: Article fields that are not compared with expected.json: the text is checked by snippets,
#: the version names the code that ran.
UNCOMPARED = {"text", "extractor_version"}
STANDARD_SIZE = (260_000, 340_000)
ARTICLE_SIZE = (150_000, 400_000)


def case_names() -> list[str]:
    return sorted(p.name for p in CASES_DIR.iterdir() if (p / "meta.json").is_file())


@cache
def meta(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES_DIR / case / "meta.json").read_text("utf-8"))
    return data


@cache
def expected(case: str) -> dict[str, Any] | None:
    data = json.loads((CASES_DIR / case / "expected.json").read_text("utf-8"))
    article: dict[str, Any] | None = data["article"]
    return article


def page(case: str) -> bytes:
    return (CASES_DIR / case / "page.html").read_bytes()


@cache
def extracted(case: str) -> Article | NotArticle:
    m = meta(case)
    return extract_article(page(case), m["url"], m["site"], content_type=m["content_type"])


def article_of(case: str) -> Article:
    result = extracted(case)
    if not isinstance(result, Article):
        pytest.fail(f"{case}: extraction gave no article ({result.reason}); {REGENERATE}")
    return result


def as_plain(value: Any) -> Any:
    """Field values as JSON holds them (Link records become dicts)."""
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


CASES = case_names()
BUILT_CASES = [
    c for c in CASES if meta(c).get("built_by") == "tests/fixtures/build_extract_fixtures.py"
]
ARTICLE_CASES = [c for c in CASES if expected(c) is not None]
OTHER_CASES = [c for c in CASES if expected(c) is None]
FIELD_CASES = [(c, f) for c in ARTICLE_CASES for f in (expected(c) or {})]


# --- one test per case and field ---------------------------------------------------------


@pytest.mark.parametrize(("case", "field"), FIELD_CASES, ids=[f"{c}-{f}" for c, f in FIELD_CASES])
def test_field(case: str, field: str) -> None:
    want = (expected(case) or {})[field]
    got = as_plain(getattr(article_of(case), field, "<missing field>"))
    assert got == want, f"{case}: {field} is {got!r}, expected {want!r}; {REGENERATE}"


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_no_unexpected_fields(case: str) -> None:
    names = {f.name for f in dataclasses.fields(Article)} - UNCOMPARED
    want = set(expected(case) or {})
    assert names == want, (
        f"{case}: the article has fields {sorted(names - want)} that expected.json lacks and "
        f"lacks {sorted(want - names)}; {REGENERATE}"
    )


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_text_contains(case: str) -> None:
    text = article_of(case).text
    missing = [s for s in meta(case)["must_contain"] if s not in text]
    assert not missing, f"{case}: the text lacks {missing}; {REGENERATE}"


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_text_excludes(case: str) -> None:
    text = article_of(case).text
    present = [s for s in meta(case)["must_not_contain"] if s in text]
    assert not present, f"{case}: the text contains furniture {present}; {REGENERATE}"


@pytest.mark.parametrize("case", OTHER_CASES)
def test_not_an_article(case: str) -> None:
    result = extracted(case)
    assert isinstance(result, NotArticle), (
        f"{case}: extraction gave an article ({getattr(result, 'title', '')!r}) for a page "
        f"that is not one; {REGENERATE}"
    )
    assert not result and result.reason


# --- the corpus as a whole ------------------------------------------------------------------


@cache
def builder() -> ModuleType:
    """The fixture builder, imported from its file (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("build_extract_fixtures", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_corpus_has_enough_cases_languages_and_both_templates() -> None:
    assert len(CASES) >= 40
    assert len({meta(c)["language"] for c in CASES}) >= 8
    templates = {meta(c)["template"] for c in ARTICLE_CASES}
    assert {2024, 2026} <= templates
    assert len(OTHER_CASES) >= 5


def test_meta_files_are_complete() -> None:
    for c in BUILT_CASES:
        m = meta(c)
        assert set(m) == META_KEYS, c
        assert c.startswith(f"{m['language']}-"), c
        assert m["url"].startswith("https://") and m["fetched_at"].endswith("+00:00"), c
        assert m["template"] in (2024, 2026, None), c
        assert m["site"] in ("euronews", None), c
        assert m["description"].endswith("."), c
        if expected(c) is None:
            assert m["body"] == [], c
        else:
            assert m["body"] and len(m["must_contain"]) >= 2, c
            assert all(s not in " ".join(m["body"]) for s in m["must_not_contain"]), c


def test_every_covers_tag_is_known_and_covered() -> None:
    vocabulary = set(builder().COVERS)
    used: set[str] = set()
    for c in CASES:
        tags = set(meta(c)["covers"])
        assert tags <= vocabulary, (c, tags - vocabulary)
        used |= tags
    assert used == vocabulary, f"no case covers {sorted(vocabulary - used)}"


def _text(case: str) -> str:
    data = page(case)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def test_pages_parse_and_hold_no_render_placeholders() -> None:
    for c in CASES:
        text = _text(c)
        assert "@@" not in text, c
        doc = lxml.html.document_fromstring(text)
        assert doc.findtext(".//title"), c
        assert len(list(doc.iter())) > 200, c


def _size(case: str) -> int:
    data = page(case)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return len(data.decode("utf-16").encode("utf-8"))
    return len(data)


def test_article_pages_have_real_page_sizes() -> None:
    for c in ARTICLE_CASES:
        size = _size(c)
        assert ARTICLE_SIZE[0] <= size <= ARTICLE_SIZE[1], (c, size)
        if "standard" in meta(c)["covers"]:
            assert STANDARD_SIZE[0] <= size <= STANDARD_SIZE[1], (c, size)


def test_building_again_gives_the_committed_files(tmp_path: Path) -> None:
    names = builder().build(tmp_path)
    assert sorted(names) == BUILT_CASES, (
        "the committed case folders differ from what the builder makes"
    )
    for name in names:
        for file in ("page.html", "meta.json", "expected.json"):
            built = (tmp_path / name / file).read_bytes()
            committed = (CASES_DIR / name / file).read_bytes()
            assert built == committed, (
                f"{name}/{file} differs from a fresh build: run "
                "`python tests/fixtures/build_extract_fixtures.py` and review the diff"
            )


def test_the_builder_leaves_folders_it_did_not_build_alone(tmp_path: Path) -> None:
    mine = builder().BUILT_BY
    real = tmp_path / "de-DW_2023_04_28"  # a real page, as tests/fixtures/realpages holds them
    real.mkdir()
    (real / "page.html.gz").write_bytes(b"\x1f\x8b not really")
    (real / "truth.json").write_text("{}", encoding="utf-8")
    by_hand = tmp_path / "en-hand-written"  # a case in the fixture format, written by a person
    by_hand.mkdir()
    for file in ("page.html", "meta.json", "expected.json"):
        (by_hand / file).write_text("{}", encoding="utf-8")
    stale = tmp_path / "en-2020-gone"  # built earlier, no longer built
    stale.mkdir()
    (stale / "meta.json").write_text(json.dumps({"built_by": mine}), encoding="utf-8")
    names = builder().build(tmp_path)
    assert not stale.exists()
    assert sorted(p.name for p in real.iterdir()) == ["page.html.gz", "truth.json"]
    assert (by_hand / "meta.json").read_text(encoding="utf-8") == "{}"
    assert all(
        json.loads((tmp_path / n / "meta.json").read_text())["built_by"] == mine for n in names
    )


def test_the_builder_refuses_to_overwrite_a_case_it_did_not_build(tmp_path: Path) -> None:
    name = CASES[0]
    (tmp_path / name).mkdir()
    (tmp_path / name / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match=f"{name} not built by this script"):
        builder().build(tmp_path)
    assert (tmp_path / name / "meta.json").read_text(encoding="utf-8") == "{}"
