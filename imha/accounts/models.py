from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    INTAKE = "intake", "Intake worker"
    ADVOCATE = "advocate", "Advocate"
    MANAGER = "manager", "Manager"
    ADMINISTRATOR = "administrator", "Administrator"
    HOSPITAL = "hospital", "Hospital user"
    COMMISSIONER = "commissioner", "Commissioner"


class StaffUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # `createsuperuser` makes the first administrator of a new installation.
        extra.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra)


class Team(models.Model):
    """A group of advocates working one area. An advocate's team can see each other's cases,
    so cover for leave and sickness needs no reallocation."""

    name = models.CharField(max_length=100, unique=True)
    area = models.CharField(
        max_length=200, blank=True, help_text="The places or hospitals this team covers."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: service staff, hospital Mental Health Act office staff, or the
    funding council's commissioner. Members of the public never have accounts.

    The role decides what a person can reach; a hospital user is also tied to the one
    hospital whose records they may see.
    """

    role = models.CharField(max_length=20, choices=Role.choices)
    objects: ClassVar[StaffUserManager] = StaffUserManager()

    hospital = models.ForeignKey(
        "hospitals.Hospital",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Only for hospital users: the hospital whose records they may see.",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text="For advocates and managers: the team whose cases they share.",
    )

    class Meta:
        constraints = [
            # A hospital user with no hospital could see nothing useful, and one for another
            # role with a hospital would look scoped when they are not; refuse both.
            models.CheckConstraint(
                condition=(Q(role="hospital") & Q(hospital__isnull=False))
                | (~Q(role="hospital") & Q(hospital__isnull=True)),
                name="hospital_set_only_for_hospital_users",
            ),
        ]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return full_name or self.username

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's admin checks is_staff; keeping it derived from the role means nobody can
        # be given the admin by ticking a box that disagrees with their role.
        self.is_staff = self.role == Role.ADMINISTRATOR
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Administrators manage accounts and reference data in the admin; other roles never
        # use the admin, so Django's per-model permissions would add nothing but drift.
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_module_perms(app_label)


class SignInAttempt(models.Model):
    """One password attempt, kept to throttle guessing by username and by address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField()
    attempted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        outcome = "success" if self.succeeded else "failure"
        return f"{self.username} {outcome} at {self.attempted_at:%Y-%m-%d %H:%M}"
