"""stsdeck: turn a curated dataset of clinical studies into a French congress deck."""

__version__ = "0.1.0"
