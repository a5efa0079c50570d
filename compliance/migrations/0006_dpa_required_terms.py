"""Required DPA terms (issue 15). Default for agreements recorded before: one recorded on the
NDPA or a state variant of it is taken to follow the NDPA v2 with its state's exhibit (that is
how the demo and the vendors recorded them), so it keeps counting; one on a district's or a
vendor's own paper has no model and no terms recorded, so in a state with statutory terms its
verdict names every term missing until the vendor records the terms it includes."""

from django.db import migrations, models

STATE_MODELS = {"CA": "ndpa_v2_ca", "CO": "ndpa_v2_co", "CT": "ndpa_v2_ct", "IL": "ndpa_v2_il",
                "NY": "ndpa_v2_ny", "OH": "ndpa_v2_oh", "UT": "ndpa_v2_ut"}  # frozen copy of compliance.engine.dpa_terms.DPA_MODELS


def forwards(apps, schema_editor):
    Dpa = apps.get_model("compliance", "DataPrivacyAgreement")
    for state, model in STATE_MODELS.items():
        Dpa.objects.filter(state=state, template__in=["ndpa", "state_variant"]).update(terms_model=model)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_rule_version_provenance")]

    operations = [
        migrations.AddField("dataprivacyagreement", "terms_model",
                            models.CharField(blank=True, max_length=20)),
        migrations.AddField("dataprivacyagreement", "terms_included",
                            models.JSONField(blank=True, default=list)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
