from django.urls import path

from imha.cases import views

app_name = "cases"

urlpatterns = [
    path("staff/cases/", views.case_list, name="case_list"),
    path("staff/cases/mine/", views.my_caseload, name="my_caseload"),
    path("staff/cases/team/", views.team_caseload, name="team_caseload"),
    path("staff/cases/allocation/", views.allocation, name="allocation"),
    path("staff/cases/diary/", views.diary, name="diary"),
    path("staff/cases/diary/month/", views.diary_month, name="diary_month"),
    path(
        "staff/cases/diary/calendar-address/", views.diary_feed_settings, name="diary_feed_settings"
    ),
    path("staff/cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("staff/cases/<int:case_id>/allocate/", views.case_allocate, name="case_allocate"),
    path("staff/cases/<int:case_id>/details/", views.case_edit, name="case_edit"),
    path("staff/cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path(
        "staff/cases/<int:case_id>/legal-status/new/",
        views.legal_status_new,
        name="legal_status_new",
    ),
    path(
        "staff/cases/<int:case_id>/legal-status/<int:period_id>/end/",
        views.legal_status_end,
        name="legal_status_end",
    ),
    path("staff/cases/<int:case_id>/issues/new/", views.issue_new, name="issue_new"),
    path(
        "staff/cases/<int:case_id>/issues/<int:issue_id>/outcomes/",
        views.issue_outcome,
        name="issue_outcome",
    ),
    path("staff/cases/<int:case_id>/activities/new/", views.activity_form, name="activity_new"),
    path(
        "staff/cases/<int:case_id>/activities/<int:activity_id>/",
        views.activity_form,
        name="activity_edit",
    ),
    path(
        "staff/cases/<int:case_id>/records-requests/new/",
        views.records_request_form,
        name="records_request_new",
    ),
    path(
        "staff/cases/<int:case_id>/records-requests/<int:request_id>/",
        views.records_request_form,
        name="records_request_edit",
    ),
    path("staff/cases/<int:case_id>/notes/new/", views.note_new, name="note_new"),
    path("staff/cases/<int:case_id>/files/new/", views.attachment_new, name="attachment_new"),
    path(
        "staff/cases/<int:case_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("staff/clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("staff/clients/<int:client_id>/details/", views.client_edit, name="client_edit"),
    path("staff/clients/<int:client_id>/new-case/", views.client_new_case, name="client_new_case"),
    path(
        "staff/clients/<int:client_id>/subject-access/",
        views.client_subject_access,
        name="client_subject_access",
    ),
    path("staff/clients/<int:client_id>/merge/", views.client_merge, name="client_merge"),
    path(
        "staff/clients/<int:client_id>/merge/<int:other_id>/",
        views.client_merge_confirm,
        name="client_merge_confirm",
    ),
    # Reached by calendar programs, which cannot sign in: the long random token is the key.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
