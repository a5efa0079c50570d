# The search rows copy each product's agreement terms (see matching/models.py, matching/index.py);
# filled here from the member catalog's table.

from django.db import migrations, models


def fill(apps, schema_editor):
    from matching.index import terms_span, terms_write

    catalog_entry = apps.get_model("contracts", "CatalogEntry")
    terms: dict = {}
    for pid, start, end in (catalog_entry.objects.filter(start_date__isnull=False, end_date__isnull=False)
                            .values_list("product_id", "start_date", "end_date").iterator(chunk_size=5000)):
        terms.setdefault(pid, []).append((start, end))
    terms_write(apps.get_model("matching", "SearchDoc"), {pk: terms_span(t) for pk, t in terms.items()},
                everything=True)


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0001_initial"),
        ("contracts", "0006_catalog_entry_kind_families"),
    ]

    operations = [
        migrations.AddField(model_name="searchdoc", name="terms_from", field=models.DateField(null=True)),
        migrations.AddField(model_name="searchdoc", name="terms_split", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="searchdoc", name="terms_until", field=models.DateField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
