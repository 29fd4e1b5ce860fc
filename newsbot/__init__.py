__version__ = "0.1.0"

#: The version of newsbot's extraction rules (site profiles carry their own digest). Bump when
#: the extraction code changes what it produces. Kept here, away from the extraction code, so
#: that naming the extractor (``newsbot reextract`` deciding what to continue) loads nothing.
EXTRACT_RULES = "4"
