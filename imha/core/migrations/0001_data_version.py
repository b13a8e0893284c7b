import secrets

from django.db import migrations, models


def create_the_row(apps, schema_editor):
    # So the first kept page or return after deploying only reads it. The application also
    # creates it when missing (imha.core.freshness.data_version), as after a flush.
    version = apps.get_model("core", "DataVersion")
    version.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": secrets.token_hex(16)}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "data version",
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
