from django.apps import AppConfig


class HospitalsConfig(AppConfig):
    name = "imha.hospitals"
    label = "hospitals"
    verbose_name = "Hospitals"
