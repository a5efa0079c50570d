"""The sourcing tests' scenes are shared with other apps: fixtures in `tests/fixtures/sourcing.py`,
`content` and `bid_data` in `tests/helpers.py`."""
