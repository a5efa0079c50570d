"""The `edpool` command: a thin front to the project's management commands.

    edpool migrate | demo | import-districts FILE | add-user EMAIL --org ORG --role ROLE |
           audit verify | award-solve PROBLEM.json | bench | runserver | ... (any Django command)

Dashes in the command name map to underscores (`import-districts` runs `import_districts`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edpool.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "edpool"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":  # pragma: no cover
    main()
