"""Site profiles: which pages of a site are articles, where their fields live, what to prune."""

from newsbot.sites.profile import (
    GENERIC,
    Edition,
    Profile,
    ProfileError,
    RelatedBlock,
    Selector,
    UnknownSiteError,
    furniture_phrases,
    known_sites,
    load_profile,
    load_profile_file,
    phrases,
    profile_for_url,
    split_root,
)

__all__ = [
    "GENERIC",
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
