"""Deploy checks that Django's own `check --deploy` does not know to make."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_secret_key_not_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the public demo key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="imha.E001",
            )
        ]
    return []


@register(deploy=True)
def production_database_is_postgresql(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return [
            Warning(
                "The database is not PostgreSQL.",
                hint="SQLite is for the demo. Set DATABASE_URL to a PostgreSQL database.",
                id="imha.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def static_files_are_fingerprinted(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.USE_MANIFEST_STATIC:
        return [
            Warning(
                "Static files are served without fingerprinted names.",
                hint="Set USE_MANIFEST_STATIC=1 and run collectstatic when deploying.",
                id="imha.W002",
            )
        ]
    return []
