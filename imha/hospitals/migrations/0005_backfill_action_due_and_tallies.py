"""Fill in what 0004 added for the notices already recorded: each tracked patient's
`action_due_on` (as `services.refresh_tracking` now sets it) and the first-information
tallies behind the compliance page. Reversing leaves nothing to undo: 0004's reversal drops
the column and the table."""

from django.db import migrations
from django.db.models import F, Q

TRACKED = Q(qualifies=True, discharged_on__isnull=True)
NOT_TOLD_BOTH_WAYS = Q(first_told_verbally_on__isnull=True) | Q(
    first_given_in_writing_on__isnull=True
)


def backfill(apps, schema_editor):
    from imha.hospitals.tallies import rebuild

    notices = apps.get_model("hospitals", "QualifyingNotice")
    notices.objects.filter(TRACKED).update(action_due_on=F("next_reminder_on"))
    notices.objects.filter(TRACKED, NOT_TOLD_BOTH_WAYS, information_due_by__isnull=False).update(
        action_due_on=F("information_due_by")
    )
    rebuild(notices, apps.get_model("hospitals", "FirstInformationTally"))


class Migration(migrations.Migration):
    dependencies = [("hospitals", "0004_current_notice_indexes_tallies_and_digests")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
