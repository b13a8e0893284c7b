"""Load the service's starting wording for written information. Edits made later in the
admin are never overwritten, and reversing leaves the rows alone."""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from imha.hospitals.default_templates import load_default_templates

    load_default_templates(apps.get_model("hospitals", "WrittenInformationTemplate"))


class Migration(migrations.Migration):
    dependencies = [("hospitals", "0002_duty_to_inform")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
