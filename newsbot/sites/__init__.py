"""Site profiles: which pages of a site are articles, where their fields live, what to prune."""

from newsbot.sites.loading import (
    PHRASE_TABLES,
    furniture_phrases,
    known_sites,
    load_profile,
    load_profile_file,
    phrases,
    profile_for_url,
)
from newsbot.sites.profile import (
    FIELDS,
    GENERIC,
    META_FIELDS,
    ClassIndex,
    Edition,
    Profile,
    ProfileError,
    RelatedBlock,
    Selector,
    UnknownSiteError,
    split_root,
)

__all__ = [
    "FIELDS",
    "GENERIC",
    "META_FIELDS",
    "PHRASE_TABLES",
    "ClassIndex",
    "Edition",
    "Profile",
    "ProfileError",
    "RelatedBlock",
    "Selector",
    "UnknownSiteError",
    "furniture_phrases",
    "known_sites",
    "load_profile",
    "load_profile_file",
    "phrases",
    "profile_for_url",
    "split_root",
]
