"""Articles a page ships only as data for a script to draw (JavaScript applications: the body's
HTML inside a JSON string, nothing in the markup) are read, not refused as "no article text".
"""

from __future__ import annotations

import json
import re
from collections import Counter

from conftest import real_page

from newsbot.extract import Article, NotArticle, extract_article

URL = "https://courier.example/politics/2026/03/harbour-vote"
PARAGRAPHS = [
    "The council voted on Tuesday evening to close the old harbour to cargo ships from next "
    "spring, ending two centuries of trade at the quay.",
    "Fishing boats and ferries may still use the inner basin, the harbour master said, but the "
    "outer wall will be rebuilt as a promenade with a cycle path.",
    "Dock workers protested outside the town hall during the vote and their union said it "
    "would ask the regional court to review the decision before the summer.",
]
HEAD = (
    "<html lang='en'><head><meta charset='utf-8'><meta property='og:type' content='article'>"
    "<meta property='og:title' content='Council closes the old harbour to cargo ships'>"
    "<title>Council closes the old harbour to cargo ships | The Courier</title></head>"
)


def app_page(state: str, shown: str = "") -> bytes:
    """A page whose markup is an empty application shell plus ``shown``, with ``state`` as
    the application's data script."""
    return (
        f"{HEAD}<body><div id='app'>{shown}</div>"
        f"<script id='__NEXT_DATA__' type='application/json'>{state}</script>"
        "</body></html>"
    ).encode()


def state_with(body_html: str) -> str:
    data = {"props": {"pageProps": {"article": {"id": 7, "summary": "x", "body": body_html}}}}
    # As applications write it: "<" escaped so that the JSON cannot close the script.
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")


def test_an_article_only_in_the_applications_data_is_read() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    result = extract_article(app_page(state_with(body)), URL)
    assert isinstance(result, Article), result
    assert result.title == "Council closes the old harbour to cargo ships"
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_placeholders_the_application_fills_in_do_not_reach_the_text() -> None:
    body = (
        f"<p>{PARAGRAPHS[0]}</p>$$ARTICLEAD$$<p>{PARAGRAPHS[1]}</p>{{{{ad}}}}<p>{PARAGRAPHS[2]}</p>"
    )
    result = extract_article(app_page(state_with(body)), URL)
    assert isinstance(result, Article), result
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_the_markup_wins_where_the_page_shows_its_article() -> None:
    shown = "<article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    other = "".join(
        f"<p>Another story's paragraph number {i}, kept for later.</p>" for i in range(5)
    )
    result = extract_article(app_page(state_with(other), shown), URL)
    assert isinstance(result, Article), result
    assert "Another story" not in result.text
    assert PARAGRAPHS[0] in result.text


def test_a_script_without_paragraphs_of_html_leaves_an_empty_page_refused() -> None:
    state = json.dumps({"props": {"menu": ["News", "Sport"], "note": "x" * 800}})
    result = extract_article(app_page(state), URL)
    assert isinstance(result, NotArticle)
    assert result.reason == "no article text"


def test_a_real_page_drawn_by_its_application_is_read() -> None:
    # Hankook Ilbo's Next.js pages: the body is a string in React Query's dehydrated state.
    page, truth = real_page("kr-HankookIlbo_2026_01_29")
    article = extract_article(page, str(truth["url"]))
    assert isinstance(article, Article), article
    assert article.title == " ".join(str(truth["title"]).split())
    assert "$$" not in article.text
    words = re.compile(r"\w+")
    got = Counter(words.findall(f"{article.teaser}\n{article.text}".lower()))
    want = Counter(words.findall(str(truth["body"]).lower()))
    common = sum((got & want).values())
    assert 2 * common / (sum(got.values()) + sum(want.values())) > 0.95
