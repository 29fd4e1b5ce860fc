"""WARC, the format every web archive speaks: the archive's captures written out as WARC files
(:mod:`~newsbot.warc.export`) and WARC files read in as captures. No Scrapy here.

Submodules are imported by name (``from newsbot.warc.export import export_warc``): this package
imports nothing itself, so a command that needs one direction does not load the other.
"""
