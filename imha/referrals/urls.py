from django.urls import path

from imha.referrals import views

app_name = "referrals"

urlpatterns = [
    # The public form.
    path("refer/", views.start, name="public_start"),
    path("refer/check-your-answers/", views.check_answers, name="public_check_answers"),
    path("refer/referral-sent/", views.confirmation, name="public_confirmation"),
    path("refer/<slug:slug>/", views.question, name="public_question"),
    # Staff.
    path("staff/referrals/", views.inbox, name="inbox"),
    path("staff/referrals/new/", views.log_referral, name="log"),
    path("staff/referrals/<str:reference>/", views.detail, name="detail"),
    path("staff/referrals/<str:reference>/pick-up/", views.pick_up, name="pick_up"),
    path(
        "staff/referrals/<str:reference>/response/", views.record_response, name="record_response"
    ),
    path(
        "staff/referrals/<str:reference>/emails/<int:email_id>/send-again/",
        views.send_email_again,
        name="send_email_again",
    ),
    path(
        "staff/referrals/<str:reference>/accept/",
        views.decide,
        {"outcome_name": "accept"},
        name="accept",
    ),
    path(
        "staff/referrals/<str:reference>/decline/",
        views.decide,
        {"outcome_name": "decline"},
        name="decline",
    ),
    path(
        "staff/referrals/<str:reference>/withdraw/",
        views.decide,
        {"outcome_name": "withdraw"},
        name="withdraw",
    ),
]
