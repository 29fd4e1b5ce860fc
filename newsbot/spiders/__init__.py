"""Spiders: discover and fetch only. One spider per site profile, named by the profile's slug,
made by :class:`~newsbot.spiders.loader.ProfileSpiderLoader` (no Python file per site)."""
