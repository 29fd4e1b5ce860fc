"""The programmes of each vertical on the real site, for the menus and footers of the pages the
extraction fixtures and the benchmark site serve."""

#: Programmes of each vertical, as the menus and the footer list them (names are not translated).
PROGRAMMES: dict[str, tuple[str, ...]] = {
    "my-europe": (
        "europe-today", "state-of-the-union", "brussels-briefing", "the-europe-conversation",
        "euroviews", "eu-decoded", "road-to-the-elections", "inside-the-parliament",
    ),
    "news": (
        "world", "europe", "the-cube", "no-comment", "just-in", "in-depth", "the-big-question",
        "insiders",
    ),
    "business": (
        "business-news", "the-exchange", "markets", "focus", "real-economy", "start-up-stories",
    ),
    "green": ("green-news", "climate-now", "ocean", "smart-regions", "water-matters", "eco-cities"),
    "next": ("tech-news", "futuris", "hi-tech", "space", "ai-explained", "digital-life"),
    "health": ("health-news", "healthcare-in-europe", "medical-frontiers", "wellness"),
    "travel": ("travel-news", "explore", "adventures", "taste", "city-guides", "postcards"),
    "culture": ("culture-news", "cinema", "music", "museums", "books", "the-art-show", "fashion"),
}  # fmt: skip
