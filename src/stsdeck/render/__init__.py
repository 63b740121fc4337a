"""Renderers: Deck -> bytes of one output format."""
