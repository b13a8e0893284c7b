from django.urls import path

from imha.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/security-code/", views.second_factor, name="second_factor"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change_password"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/recovery-codes/new/", views.new_recovery_codes, name="new_recovery_codes"),
]
