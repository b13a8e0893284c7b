from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imha.core"
    label = "core"
    verbose_name = "Site-wide"

    def ready(self) -> None:
        # Importing checks registers the deploy checks with Django's system check framework.
        from imha.core import checks, freshness  # noqa: F401

        # Kept pages and figures must go stale the moment the records they were made from
        # change, however those records are written: see imha.core.freshness.
        freshness.start_watching()
