"""The member catalog's copy of each product's kind follows catalog 0004 (kinds became families:
device, software, content, service)."""

from django.db import migrations


def copy_kinds(apps, schema_editor):
    CatalogEntry = apps.get_model("contracts", "CatalogEntry")
    Product = apps.get_model("catalog", "Product")
    for product_id, kind in Product.objects.filter(
            pk__in=CatalogEntry.objects.values("product_id")).values_list("pk", "kind"):
        CatalogEntry.objects.filter(product_id=product_id).update(kind=kind)


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0005_participation_rejected"),
        ("catalog", "0004_product_facts"),
    ]

    operations = [
        migrations.RunPython(copy_kinds, migrations.RunPython.noop),
    ]
