from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "imha.referrals"
    label = "referrals"
    verbose_name = "Referrals"
