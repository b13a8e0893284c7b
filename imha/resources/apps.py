from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "imha.resources"
    label = "resources"
    verbose_name = "Public information"
