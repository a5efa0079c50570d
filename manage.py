#!/usr/bin/env python
"""Django's manage.py; `edpool` (the installed console script) does the same."""
import sys

from edpool.cli import main

if __name__ == "__main__":
    main(sys.argv)
