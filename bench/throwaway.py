"""Run a benchmark in a throwaway test database on the configured server, dropped afterwards."""

from __future__ import annotations

from typing import Callable


def in_throwaway_database(run: Callable[[], int], *, keep: bool = False) -> int:
    """`keep`: leave the database on the server afterwards (its name is printed), to measure it
    again later (`edpool bench rollup --reuse NAME`); drop it by hand when done."""
    from django.db import connection, connections
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        # Its own name, so two benchmarks (or a benchmark and the test suite) never share or
        # clobber each other's database.
        import os

        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"edpool_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    name = connection.settings_dict["NAME"]
    try:
        return run()
    finally:
        connections.close_all()
        if keep and connection.vendor != "sqlite":
            connection.settings_dict["NAME"] = old_name
            print(f"kept database {name} (measure it again: --reuse {name}; drop it: DROP DATABASE {name})",
                  flush=True)
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
