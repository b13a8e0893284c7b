from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "imha.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Kept figures must go stale the moment the records they were counted from change,
        # however those records are written: see imha.reports.freshness.
        from imha.reports import freshness

        freshness.start_watching()
