from django.db import migrations


class Migration(migrations.Migration):
    # The token moved to the core app (core.DataVersion), which now covers every page kept
    # until the data changes, not only the quarterly return. Its migration runs first, so
    # there is never a moment with no table to replace a token in.
    dependencies = [
        ("core", "0001_data_version"),
        ("reports", "0001_reporting_data_version"),
    ]

    operations = [
        migrations.DeleteModel(name="ReportingDataVersion"),
    ]
