import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The database's own full-text index beside the search table (see matching/models.py).
PG_FORWARD = [
    """ALTER TABLE matching_searchdoc ADD COLUMN document tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('simple', name_words), 'A') ||
           setweight(to_tsvector('simple', body_words), 'B')) STORED""",
    "CREATE INDEX matching_searchdoc_document ON matching_searchdoc USING GIN (document)",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE matching_fts USING fts5(name, body, tokenize = 'unicode61')",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = PG_FORWARD if vendor == "postgresql" else SQLITE_FORWARD if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS matching_fts")


def fill(apps, schema_editor):
    from matching.index import index_refresh_with

    index_refresh_with(schema_editor.connection, everything=True,
                       product_model=apps.get_model("catalog", "Product"),
                       doc_model=apps.get_model("matching", "SearchDoc"),
                       word_model=apps.get_model("matching", "SearchWord"))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0004_product_facts"),
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDoc",
            fields=[
                ("product", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                 related_name="+", serialize=False, to="catalog.product")),
                ("name_words", models.TextField()),
                ("body_words", models.TextField()),
                ("active", models.BooleanField(default=True)),
                ("kind", models.CharField(blank=True, max_length=30)),
                ("grade_bands", models.JSONField(default=list)),
                ("subjects", models.JSONField(default=list)),
                ("languages", models.JSONField(default=list)),
                ("interoperability", models.JSONField(default=list)),
                ("accessibility", models.CharField(blank=True, max_length=30)),
                ("essa_tier", models.PositiveSmallIntegerField(null=True)),
                ("collects_student_data", models.BooleanField(default=True)),
            ],
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=60, primary_key=True, serialize=False))],
        ),
        migrations.CreateModel(
            name="Need",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=500)),
                ("must_haves", models.JSONField(default=list)),
                ("nice_to_haves", models.JSONField(default=list)),
                ("quantity", models.PositiveIntegerField()),
                ("budget_per_unit", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                ("status", models.CharField(choices=[("matched", "Matched"), ("unmet", "Unmet need")], max_length=20)),
                ("matched_at", models.DateTimeField()),
                ("result_count", models.PositiveIntegerField(default=0)),
                ("good_count", models.PositiveIntegerField(default=0)),
                ("top_product_ids", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                 to=settings.AUTH_USER_MODEL)),
                ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                               to="members.district")),
            ],
            options={"ordering": ["-created_at", "-pk"],
                     "indexes": [models.Index(fields=["status", "created_at"], name="matching_ne_status_1e75ac_idx")]},
        ),
        migrations.RunPython(forward, backward),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
