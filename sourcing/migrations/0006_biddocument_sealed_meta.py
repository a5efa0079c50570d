from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sourcing', '0005_bids_opened_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='biddocument',
            name='sealed_meta',
            field=models.BinaryField(default=b''),
        ),
    ]
