"""EdPool: software for a cooperative purchasing consortium of school districts."""

__version__ = "0.1.0"
