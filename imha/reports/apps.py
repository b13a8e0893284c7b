from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "imha.reports"
    label = "reports"
    verbose_name = "Reports"
