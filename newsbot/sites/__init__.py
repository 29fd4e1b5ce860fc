"""Site profiles: which pages of a site are articles, where their fields live, what to prune.

newsbot's own profiles are bundled; a user's live in folders named by ``NEWSBOT_PROFILES`` (the
setting, or the environment variable) or given to :func:`use_profile_dirs`.
"""

from newsbot.sites.loading import (
    PHRASE_TABLES,
    furniture_phrases,
    load_profile_file,
    phrases,
    shared_phrases,
)
from newsbot.sites.profile import (
    FIELDS,
    GENERIC,
    ClassIndex,
    Edition,
    Phrases,
    Profile,
    ProfileError,
    RelatedBlock,
    Selector,
    UnknownSiteError,
    split_root,
)
from newsbot.sites.registry import (
    PROFILES_VARIABLE,
    known_sites,
    load_profile,
    profile_dirs,
    profile_for_url,
    use_profile_dirs,
)

__all__ = [
    "FIELDS",
    "GENERIC",
    "PHRASE_TABLES",
    "PROFILES_VARIABLE",
    "ClassIndex",
    "Edition",
    "Phrases",
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
    "profile_dirs",
    "profile_for_url",
    "shared_phrases",
    "split_root",
    "use_profile_dirs",
]
