"""The authorization matrix's tables, by area (see common.py)."""
