# Adds the answer to "are doctors considering one of these treatments?".
#
# A CharField with blank=True and no default: Django fills existing rows with "" while
# adding the column (on SQLite by rebuilding the table, on PostgreSQL with a temporary
# DEFAULT that it drops afterwards), so older referrals read as "not asked".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_indexes_for_inbox_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="treatment_considered",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "s57",
                        "Brain surgery for a mental health condition, or a hormone implant "
                        "to reduce sex drive",
                    ),
                    ("ect", "ECT (electroconvulsive therapy)"),
                    ("neither", "No, neither of these"),
                    ("dont_know", "I do not know"),
                ],
                max_length=20,
            ),
        ),
    ]
