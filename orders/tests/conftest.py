"""The orders tests' scene (`joined`) is shared with other apps: see `tests/fixtures/orders.py`."""
