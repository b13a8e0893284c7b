"""Clients and their cases: the smallest shape that accepting a referral needs.

The case-work part of the service will add allocation history, activities, outcomes and
so on; these models hold only what a referral hands over when it is accepted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from imha.cases.matching import normalised_name


class Client(models.Model):
    """A person the service supports. One client can have several cases over time."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    # Kept in step with the name fields by imha.cases.matching, so duplicate checks are one
    # indexed lookup rather than a scan.
    normalised_name = models.CharField(max_length=201, db_index=True, editable=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    safe_to_leave_message = models.BooleanField(null=True)
    contact_notes = models.TextField(max_length=1000, blank=True)
    interpreter_language = models.CharField(max_length=100, blank=True)
    communication_needs = models.JSONField(default=list, blank=True)
    access_needs = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalised_name = normalised_name(self.first_name, self.last_name)
        super().save(*args, **kwargs)


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """One period of advocacy for a client, usually opened by accepting a referral."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    # One referral opens at most one case; cases opened without a referral have none.
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    hospital = models.ForeignKey(
        "hospitals.Hospital",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    ward = models.CharField(max_length=100, blank=True)
    # A canonical code from imha.law (for example "s3"), or blank when not known.
    legal_status_code = models.CharField(max_length=30, blank=True)
    allocated_advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_cases",
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return f"Case {self.pk} for {self.client}"
