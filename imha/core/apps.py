from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imha.core"
    label = "core"
    verbose_name = "Site-wide"

    def ready(self) -> None:
        # Registers the deploy checks with Django's system check framework.
        from imha.core import checks  # noqa: F401
