"""Signals other apps listen to. The hospitals app never imports its listeners.

automatic_referral_requested
    Sent when a hospital with automatic referral switched on records a new qualifying
    patient who has not said no to a referral.

    Arguments: ``sender`` is ``QualifyingNotice`` (the class); ``notice`` is the saved
    ``QualifyingNotice`` instance. ``notice.automatic_referral`` is already "requested" and
    ``notice.automatic_referral_requested_at`` is set.

    When: after the transaction that created the notice has committed
    (``transaction.on_commit``), so a receiver never sees a notice that is later rolled back,
    and a receiver that fails cannot undo the notice. It is sent at most once per notice.

    What a receiver should do: create a referral to the IMHA service marked as automatic
    (source: the hospital, ``notice.hospital``), in its own transaction, and make that
    idempotent on ``notice.pk`` in case a retry sends it twice. It must not change the
    notice. Nothing is sent for notices that do not qualify, for hospitals with the setting
    off, or when the patient declined; those notices record "not_applicable" or "declined".
"""

from __future__ import annotations

from django.dispatch import Signal

automatic_referral_requested = Signal()
