from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "imha.cases"
    label = "cases"
    verbose_name = "Cases"
