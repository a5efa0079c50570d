"""Products described well enough to match (issue 14): the kind becomes a family (device,
software, content, service) with a separate price unit; languages, accessibility conformance and
ESSA evidence are added; facts are versioned (each existing product gets version 1)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# The old kinds mixed what a product is with how it is priced.
OLD_KINDS = {
    "software_per_student": ("software", "per_student"),
    "software_per_teacher": ("software", "per_teacher"),
    "software_per_site": ("software", "per_site"),
    "device": ("device", "per_device"),
    "service": ("service", "per_session"),
}
FAMILIES = ("device", "software", "content", "service")
BACK = {"device": "device", "service": "service", "content": "software_per_student"}

FACT_FIELDS = ("category", "kind", "price_unit", "unit", "grade_bands", "subjects", "languages",
               "interoperability", "accessibility", "data_collected", "essa_tier", "essa_study_url")


def kind_and_unit(old_kind: str) -> tuple[str, str]:
    """The family and price unit of an old kind. A value already a family keeps it (its usual
    unit); anything unknown becomes software priced per student."""
    if old_kind in OLD_KINDS:
        return OLD_KINDS[old_kind]
    defaults = {"device": "per_device", "software": "per_student", "content": "per_student",
                "service": "per_session"}
    if old_kind in FAMILIES:
        return old_kind, defaults[old_kind]
    return "software", "per_student"


def old_kind_of(family: str, price_unit: str) -> str:
    if family == "software":
        return {"per_teacher": "software_per_teacher", "per_site": "software_per_site",
                "per_district": "software_per_site"}.get(price_unit, "software_per_student")
    return BACK.get(family, "software_per_student")


def map_kinds(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    for old in Product.objects.values_list("kind", flat=True).distinct():
        family, unit = kind_and_unit(old)
        Product.objects.filter(kind=old).update(kind=family, price_unit=unit)


def unmap_kinds(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    for family, unit in Product.objects.values_list("kind", "price_unit").distinct():
        Product.objects.filter(kind=family, price_unit=unit).update(kind=old_kind_of(family, unit))


def facts_of(product) -> dict:
    facts = {name: getattr(product, name) for name in FACT_FIELDS if name != "category"}
    facts["category"] = product.category.code
    return facts


def first_versions(apps, schema_editor):
    """Every existing product's facts as they stand become its version 1, stated by the system."""
    Product = apps.get_model("catalog", "Product")
    Version = apps.get_model("catalog", "ProductFactsVersion")
    now = timezone.now()
    for product in Product.objects.select_related("category").iterator():
        Version.objects.create(product=product, number=1, facts=facts_of(product), changed=[],
                               created_at=now, created_by_label="system (facts before versioning)")
    Product.objects.update(facts_version=1)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_product_search_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="price_unit",
            field=models.CharField(default="per_student", max_length=20, choices=[
                ("per_student", "Per student"), ("per_teacher", "Per teacher"),
                ("per_device", "Per device"), ("per_site", "Per site"),
                ("per_district", "Per district"), ("per_session", "Per session or workshop")]),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="product",
            name="kind",
            field=models.CharField(choices=[("device", "Device"), ("software", "Software"),
                                            ("content", "Content"), ("service", "Service")],
                                   max_length=30),
        ),
        migrations.AddField(
            model_name="product",
            name="languages",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="product",
            name="accessibility",
            field=models.CharField(choices=[("wcag21aa", "Conforms to WCAG 2.1 AA"),
                                            ("wcag21aa_partial", "Partially conforms to WCAG 2.1 AA"),
                                            ("not_evaluated", "Not evaluated")],
                                   default="not_evaluated", max_length=20),
        ),
        migrations.AddField(
            model_name="product",
            name="essa_tier",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True,
                choices=[(1, "Tier 1: strong evidence"), (2, "Tier 2: moderate evidence"),
                         (3, "Tier 3: promising evidence"), (4, "Tier 4: demonstrates a rationale")],
                validators=[django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4)]),
        ),
        migrations.AddField(
            model_name="product",
            name="essa_study_url",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="product",
            name="facts_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="product",
            name="facts_checked_version",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="facts_checked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("essa_tier__isnull", True), models.Q(("essa_tier__gte", 1), ("essa_tier__lte", 4)),
                                   _connector="OR"),
                name="product_essa_tier_1_to_4"),
        ),
        migrations.CreateModel(
            name="ProductFactsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("facts", models.JSONField()),
                ("changed", models.JSONField(default=list)),
                ("created_at", models.DateTimeField()),
                ("created_by_label", models.CharField(blank=True, max_length=200)),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
                ("checked_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
                ("product", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="facts_versions", to="catalog.product")),
            ],
            options={"ordering": ["product", "-number"]},
        ),
        migrations.AddConstraint(
            model_name="productfactsversion",
            constraint=models.UniqueConstraint(fields=("product", "number"), name="one_facts_version_number"),
        ),
        # Data last, after every change of the tables (PostgreSQL refuses to alter a table with
        # pending trigger events in the same transaction).
        migrations.RunPython(map_kinds, unmap_kinds),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
