"""Pages of the demo site that are not stories: the disallowed staff notice, the missing URL
and the stale redirect, written here in full."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsbot.demo.stories import Story, StoryVersion

CET = timezone(timedelta(hours=1))

# Listed in the en sitemap, answers 404.
MISSING_PATH = "/en/2026/02/27/ferry-operators-announce-summer-timetable"
MISSING_LASTMOD = datetime(2026, 2, 27, 10, 5, tzinfo=CET)
# The story whose de version moved; the redirect keeps its old slug.
REDIRECT_STORY = "s05"
REDIRECT_LANGUAGE = "de"

INTERNAL_STORY = Story(
    id="internal",
    published_at=datetime(2026, 3, 11, 9, 30, tzinfo=CET),
    modified_at=datetime(2026, 3, 11, 9, 45, tzinfo=CET),
    vertical="internal",
    theme="staff-notices",
    program="staff-notices",
    video=False,
    template=2026,
    related=(),
    inline_related=None,
    story_id=9701099,
    event_id=2890099,
    versions=(
        StoryVersion(
            language="en",
            slug="staff-notice-new-canteen-opening-hours",
            title="Staff notice: new canteen opening hours from Monday",
            social_title="New canteen hours",
            teaser=(
                "The newsroom canteen on the ground floor changes its opening hours from Monday "
                "so that the late shift can get a hot meal before the evening bulletins."
            ),
            authors=("Facilities Desk",),
            tags=("Staff notice",),
            image_caption="The ground-floor canteen of the newsroom building before lunch.",
            image_credit="Euronews",
            sources=(),
            paragraphs=(
                "From Monday the canteen on the ground floor will open at 7.30 in the morning "
                "and close at 21.00, two hours later than today. Breakfast is served until 10.00 "
                "and hot dishes are available from 11.45 until 14.30 and again from 18.00.",
                "The change follows the staff survey in February, in which many colleagues on "
                "the late shift said they had no time to leave the building for dinner before "
                "the evening bulletins. The coffee bar on the third floor keeps its usual hours.",
                "Payment by badge stays the same. Questions about the new timetable or about "
                "dietary requirements can be sent to the facilities desk, which will collect "
                "feedback during the first month and adjust the hours if needed.",
            ),
            subheads=(),
            captions=(),
        ),
    ),
    source="builtin",
)


def redirect_old_slug(slug: str) -> str:
    """The earlier slug of a moved article: its wording before the headline was reworked."""
    words = slug.split("-")
    if len(words) >= 4:
        return "-".join(words[:-1])
    return slug + "-1"
