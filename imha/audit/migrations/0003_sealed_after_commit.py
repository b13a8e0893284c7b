from django.conf import settings
from django.db import migrations, models

# Entries are now written unsealed and chained just after their transaction commits, so the
# PostgreSQL trigger must let the sealer fill in an entry's place and hashes exactly once,
# while still refusing any other change and every deletion.
SEALING_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.chain_position IS NULL
        AND NEW.chain_position IS NOT NULL
        AND NEW.entry_hash IS NOT NULL
        AND NEW.previous_hash IS NOT NULL
        AND (OLD.entry_hash IS NULL OR OLD.entry_hash = NEW.entry_hash)
        AND (OLD.previous_hash IS NULL OR OLD.previous_hash = NEW.previous_hash)
        AND (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.actor_username, NEW.actor_role,
             NEW.action, NEW.object_type, NEW.object_id, NEW.summary, NEW.ip_address)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.actor_username, OLD.actor_role,
             OLD.action, OLD.object_type, OLD.object_id, OLD.summary, OLD.ip_address)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
"""

ORIGINAL_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
"""

# Entries written before this change were chained as they were written, under a lock, so
# their id order is their chain order.
NUMBER_EXISTING_ENTRIES = """
UPDATE audit_auditevent
SET chain_position = numbered.position
FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM audit_auditevent) AS numbered
WHERE audit_auditevent.id = numbered.id
"""
COUNT_INTO_HEAD = (
    "UPDATE audit_auditchainhead SET last_position = (SELECT COUNT(*) FROM audit_auditevent)"
)


def allow_sealing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEALING_TRIGGER)


def refuse_all_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ORIGINAL_TRIGGER)


def number_existing_entries(apps, schema_editor):
    schema_editor.execute(NUMBER_EXISTING_ENTRIES)
    schema_editor.execute(COUNT_INTO_HEAD)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="last_position",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_position",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(allow_sealing, refuse_all_changes),
        migrations.RunPython(number_existing_entries, migrations.RunPython.noop),
        # Created after the numbering, so it starts out holding no rows at all.
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("chain_position__isnull", True)),
                fields=["id"],
                name="audit_event_unsealed",
            ),
        ),
    ]
