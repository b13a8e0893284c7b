from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imha.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
