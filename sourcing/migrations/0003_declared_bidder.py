import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sourcing', '0002_award_plan_record'),
        ('vendors', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeclaredBidder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vendor_name', models.CharField(max_length=300)),
                ('has_relationship', models.BooleanField()),
                ('details', models.TextField(blank=True)),
                ('seat', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='declared_bidders', to='sourcing.evaluatorseat')),
                ('vendor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vendors.vendor')),
            ],
            options={
                'ordering': ['vendor_name', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('seat', 'vendor'), name='one_declaration_line_per_bidder')],
            },
        ),
    ]
