# Award plans computed by staff before the award notice (see sourcing.award_plans).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sourcing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AwardPlanRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('multi_award', 'Multi-award: every responsive bid above the score threshold'), ('bulk_buy', 'Bulk buy: quantities allocated at the lowest total cost')], max_length=20)),
                ('inputs_digest', models.CharField(max_length=64)),
                ('digest', models.CharField(max_length=64)),
                ('winners', models.JSONField(blank=True, default=list)),
                ('problems', models.JSONField(blank=True, default=list)),
                ('vendor_names', models.JSONField(blank=True, default=dict)),
                ('engine_result', models.JSONField(blank=True, null=True)),
                ('computed_at', models.DateTimeField()),
                ('computed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('solicitation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='award_plans', to='sourcing.solicitation')),
            ],
            options={
                'ordering': ['computed_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='award',
            name='plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='sourcing.awardplanrecord'),
        ),
    ]
