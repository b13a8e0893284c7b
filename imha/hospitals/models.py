from __future__ import annotations

from django.db import models


class Hospital(models.Model):
    """A hospital (or independent hospital site) whose patients the service supports.

    Hospital users are tied to one of these, which is what scopes what they can see.
    """

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Short identifier used in imports and reports, for example 'fictional-moor'.",
    )
    address = models.TextField(blank=True, max_length=500)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
