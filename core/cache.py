"""Django's database cache, with `add` and `incr` made atomic across processes.

EdPool's counters (sign-in failures, password-reset requests, vendor registrations) live in the
cache. Without Redis the default cache is this one: a table in EdPool's own database, so every
worker process and every server counts together. Django's `DatabaseCache.incr` reads, adds and
writes back (two processes can both read 4 and both write 5) and resets the entry's expiry to
the default timeout; here `incr` locks the row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
transactions here take the write lock when they begin) and keeps the expiry, and `add` is
"insert if there is no live entry" under the same lock, so no count is lost.

The table is created by the migration `accounts.0002_cache_table` (so `edpool migrate` and
`make run` are enough) and by Django's test runner.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import base64
import pickle
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import IntegrityError, connections, router, transaction
from django.utils.timezone import now as tz_now

CACHE_TABLE = "edpool_cache"


class DatabaseCache(DjangoDatabaseCache):
    def _now_and_db(self):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        now = tz_now().replace(microsecond=0)
        return db, connection, now

    def _expiry(self, connection, timeout):
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            exp = datetime.max
        else:
            exp = datetime.fromtimestamp(timeout, tz=dt_timezone.utc if settings.USE_TZ else None)
        return connection.ops.adapt_datetimefield_value(exp.replace(microsecond=0))

    def _live_row(self, cursor, connection, key, now):
        """The live entry's value, row-locked until the end of the transaction (or None). Outside
        core.locks' order on purpose: counters are taken by views before any service runs, each in
        a transaction of its own that locks this one row and nothing else."""
        q = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        cursor.execute(
            "SELECT %s FROM %s WHERE %s = %%s AND %s > %%s%s"
            % (q("value"), q(self._table), q("cache_key"), q("expires"), lock),
            [key, connection.ops.adapt_datetimefield_value(now)])
        return cursor.fetchone()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        db, connection, now = self._now_and_db()
        q = connection.ops.quote_name
        table = q(self._table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM %s" % table)
            entries = cursor.fetchone()[0]
            if entries > self._max_entries:
                self._cull(db, cursor, now, entries)
            with transaction.atomic(using=db):
                if self._live_row(cursor, connection, key, now) is not None:
                    return False
                # An expired entry of the same key makes way for the new one; a live one that
                # another process committed meanwhile stays (the insert below then fails).
                cursor.execute("DELETE FROM %s WHERE %s = %%s AND %s <= %%s" % (table, q("cache_key"), q("expires")),
                               [key, connection.ops.adapt_datetimefield_value(now)])
                pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                try:
                    with transaction.atomic(using=db):  # savepoint: another process may insert first
                        cursor.execute(
                            "INSERT INTO %s (%s, %s, %s) VALUES (%%s, %%s, %%s)"
                            % (table, q("cache_key"), q("value"), q("expires")),
                            [key, pickled, self._expiry(connection, timeout)])
                except IntegrityError:
                    return False
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db, connection, now = self._now_and_db()
        q = connection.ops.quote_name
        with connection.cursor() as cursor, transaction.atomic(using=db):
            row = self._live_row(cursor, connection, key, now)
            if row is None:
                raise ValueError("Key '%s' not found" % key)
            value = connection.ops.process_clob(row[0])
            new_value = pickle.loads(base64.b64decode(value.encode())) + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute("UPDATE %s SET %s = %%s WHERE %s = %%s"
                           % (q(self._table), q("value"), q("cache_key")), [pickled, key])
        return new_value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)
