"""Per-language labels of the demo site: page furniture and the words of the site chrome."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Shown in English in every edition, as on the real site.
COPY_BUTTON = "Copy to clipboard"
CLOSE_BUTTON = "Close Button"


@dataclass(frozen=True)
class Labels:
    # furniture: strings an article page shows around (or inside) the article text
    share_2024: str
    share_2026: str
    comments: str
    embed_tooltip: str
    copied: str
    ad: str
    related_2024: str
    related_2026: str
    inline_related: str
    by: str
    published_on: str
    copyright: str
    top_stories: str
    most_read: str
    goto_accessibility: str
    sources: str
    # chrome: the words of header, footer and listings (never inside an article)
    locale: str
    language_name: str
    latest: str
    trending: str
    latest_stories: str
    categories: str
    programmes: str
    newsletters: str
    search: str
    home: str
    video: str
    not_found_title: str
    not_found_text: str
    back_home: str
    next_page: str
    previous_page: str
    page: str
    tag: str
    edition_title: str
    sections: tuple[tuple[str, str], ...]  # (vertical, menu label)


_FURNITURE = (
    "share_2024",
    "share_2026",
    "comments",
    "embed_tooltip",
    "copied",
    "ad",
    "related_2024",
    "related_2026",
    "inline_related",
    "by",
    "published_on",
    "copyright",
    "top_stories",
    "most_read",
    "goto_accessibility",
    "sources",
)
assert set(_FURNITURE) <= {f.name for f in fields(Labels)}

LABELS: dict[str, Labels] = {
    "en": Labels(
        share_2024="Share this article",
        share_2026="Share",
        comments="Comments",
        embed_tooltip="Copy the link to embed the video",
        copied="Copied",
        ad="ADVERTISEMENT",
        related_2024="You might also like",
        related_2026="Read more",
        inline_related="Related",
        by="By",
        published_on="Published on",
        copyright="Copyright",
        top_stories="Top stories",
        most_read="Most read",
        goto_accessibility="Go to accessibility shortcuts",
        sources="Additional sources",
        locale="en-GB",
        language_name="English",
        latest="Latest",
        trending="Trending",
        latest_stories="Latest stories",
        categories="Categories",
        programmes="Programmes",
        newsletters="Newsletters",
        search="Search",
        home="Home",
        video="Video",
        not_found_title="Page not found",
        not_found_text="Sorry, the page you were looking for does not exist or has been moved.",
        back_home="Back to the home page",
        next_page="Next page",
        previous_page="Previous page",
        page="Page",
        tag="Topic",
        edition_title="European news, today",
        sections=(
            ("my-europe", "Europe"),
            ("news", "World"),
            ("business", "Business"),
            ("green", "Green"),
            ("next", "Next"),
            ("health", "Health"),
            ("travel", "Travel"),
            ("culture", "Culture"),
        ),
    ),
    "de": Labels(
        share_2024="Diesen Artikel teilen",
        share_2026="Teilen",
        comments="Kommentare",
        embed_tooltip="Den Link zum Einbetten des Videos kopieren",
        copied="Link kopiert!",
        ad="WERBUNG",
        related_2024="Zum selben Thema",
        related_2026="Zum selben Thema",
        inline_related="Lesen Sie auch",
        by="Von",
        published_on="Veröffentlicht am",
        copyright="Urheberrecht",
        top_stories="Top-Nachrichten",
        most_read="Meistgelesen",
        goto_accessibility="Zu den Barrierefreiheitsverknüpfungen",
        sources="Weitere Quellen",
        locale="de-DE",
        language_name="Deutsch",
        latest="Aktuell",
        trending="Im Trend",
        latest_stories="Neueste Artikel",
        categories="Rubriken",
        programmes="Sendungen",
        newsletters="Newsletter",
        search="Suche",
        home="Startseite",
        video="Video",
        not_found_title="Seite nicht gefunden",
        not_found_text="Die gesuchte Seite gibt es leider nicht oder sie wurde verschoben.",
        back_home="Zur Startseite",
        next_page="Nächste Seite",
        previous_page="Vorherige Seite",
        page="Seite",
        tag="Thema",
        edition_title="Nachrichten aus Europa",
        sections=(
            ("my-europe", "Europa"),
            ("news", "Welt"),
            ("business", "Wirtschaft"),
            ("green", "Green"),
            ("next", "Next"),
            ("health", "Gesundheit"),
            ("travel", "Reisen"),
            ("culture", "Kultur"),
        ),
    ),
    "fr": Labels(
        share_2024="Partager cet article",
        share_2026="Partager",
        comments="Commentaires",
        embed_tooltip="Copier le lien d'intégration de la vidéo",
        copied="Lien copié !",
        ad="PUBLICITÉ",
        related_2024="À découvrir également",
        related_2026="À découvrir également",
        inline_related="Lire aussi",
        by="Par",
        published_on="Publié le",
        copyright="Droits d'auteur",
        top_stories="Actualités à la une",
        most_read="Les plus lus",
        goto_accessibility="Accéder aux raccourcis d'accessibilité",
        sources="Sources additionnelles",
        locale="fr-FR",
        language_name="Français",
        latest="À la une",
        trending="Tendances",
        latest_stories="Derniers articles",
        categories="Rubriques",
        programmes="Émissions",
        newsletters="Newsletters",
        search="Rechercher",
        home="Accueil",
        video="Vidéo",
        not_found_title="Page introuvable",
        not_found_text="Désolé, la page que vous cherchez n'existe pas ou a été déplacée.",
        back_home="Retour à l'accueil",
        next_page="Page suivante",
        previous_page="Page précédente",
        page="Page",
        tag="Sujet",
        edition_title="L'actualité européenne",
        sections=(
            ("my-europe", "Europe"),
            ("news", "Monde"),
            ("business", "Business"),
            ("green", "Green"),
            ("next", "Next"),
            ("health", "Santé"),
            ("travel", "Voyages"),
            ("culture", "Culture"),
        ),
    ),
}


def labels(language: str) -> Labels:
    return LABELS[language]


def section_label(language: str, vertical: str) -> str:
    """Menu label of a vertical ("" and unknown verticals read as the news section)."""
    for key, label in LABELS[language].sections:
        if key == (vertical or "news"):
            return label
    return vertical.replace("-", " ").capitalize()


def furniture_strings(language: str) -> tuple[str, ...]:
    """Every furniture label pages of this language show, without duplicates, in a fixed order."""
    lab = LABELS[language]
    out: list[str] = []
    for name in _FURNITURE:
        value = getattr(lab, name)
        if value not in out:
            out.append(value)
    for extra in (COPY_BUTTON, CLOSE_BUTTON):
        if extra not in out:
            out.append(extra)
    return tuple(out)
