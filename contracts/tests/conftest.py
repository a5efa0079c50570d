"""The contracts tests' scenes (`awarded`, `agreements`, `general_offer`) are shared with other
apps: see `tests/fixtures/contracts.py`."""
