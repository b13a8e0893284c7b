from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imha.audit"
    label = "audit"
    verbose_name = "Audit log"
