"""Spiders: discover and fetch only. One spider per site profile, named by the profile's slug."""
