"""Texts shown to users that are data rather than code (kept together for review and translation)."""
