"""The table of the default cache (core.cache.DatabaseCache) when Redis is not configured: sign-in
and password-reset counters shared by every worker process. Created whatever the cache setting
is, so switching REDIS_URL off later needs no extra step."""

from django.db import migrations

from core.cache import CACHE_TABLE


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE %s" % schema_editor.quote_name(CACHE_TABLE))


class Migration(migrations.Migration):

    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
