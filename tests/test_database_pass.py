"""CI's PostgreSQL pass (EDPOOL_TESTS=database) keeps exactly the tests that can reach the database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import pytest_collection_modifyitems, uses_database


def _item(name, markers=(), fixtures=()):
    return SimpleNamespace(name=name, fixturenames=list(fixtures),
                           get_closest_marker=lambda marker: marker if marker in markers else None)


ITEMS = [_item("engine"), _item("marked", markers=("django_db",)), _item("pg", markers=("postgres",)),
         _item("cast", fixtures=("cast", "db")), _item("browser", fixtures=("page", "live_server")),
         _item("tmp", fixtures=("tmp_path", "settings"))]


def test_which_tests_use_the_database():
    assert [i.name for i in ITEMS if uses_database(i)] == ["marked", "pg", "cast", "browser"]


@pytest.mark.parametrize("value, kept", [("database", ["marked", "pg", "cast", "browser"]),
                                         ("", [i.name for i in ITEMS]), ("all", [i.name for i in ITEMS])])
def test_the_database_pass_deselects_the_others(monkeypatch, value, kept):
    monkeypatch.setenv("EDPOOL_TESTS", value)
    deselected = []
    config = SimpleNamespace(hook=SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items)))
    items = list(ITEMS)
    pytest_collection_modifyitems(config, items)
    assert [i.name for i in items] == kept
    assert {i.name for i in deselected} == {i.name for i in ITEMS} - set(kept)
