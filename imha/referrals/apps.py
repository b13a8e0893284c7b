from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "imha.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Listening here keeps the hospitals app free of any import of referrals.
        from imha.hospitals.signals import automatic_referral_requested
        from imha.referrals.automatic import on_automatic_referral_requested

        automatic_referral_requested.connect(
            on_automatic_referral_requested, dispatch_uid="referrals.automatic_referral"
        )
