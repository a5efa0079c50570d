from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sourcing', '0007_seal_bid_document_titles'),
    ]

    # The AlterFields give the columns a default, so that migrating back can re-add them.
    operations = [
        migrations.AlterField(
            model_name='biddocument',
            name='sha256',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RemoveField(
            model_name='biddocument',
            name='sha256',
        ),
        migrations.AlterField(
            model_name='biddocument',
            name='title',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.RemoveField(
            model_name='biddocument',
            name='title',
        ),
    ]
