from django.urls import URLPattern, URLResolver, path

from imha.hospitals import views

app_name = "hospitals"

urlpatterns: list[URLPattern | URLResolver] = [
    # Hospital Mental Health Act offices: their own hospital only.
    path("hospital/", views.dashboard, name="dashboard"),
    path("hospital/notices/", views.notice_list, name="notice_list"),
    path("hospital/notices/new/", views.notice_new, name="notice_new"),
    path("hospital/notices/import/", views.import_notices, name="import"),
    path("hospital/notices/import/template.csv", views.import_template, name="import_template"),
    path("hospital/notices/<int:notice_id>/", views.notice_detail, name="notice_detail"),
    path(
        "hospital/notices/<int:notice_id>/information/new/",
        views.information_new,
        name="information_new",
    ),
    path(
        "hospital/notices/<int:notice_id>/information/<int:entry_id>/written-information.pdf",
        views.written_information,
        name="written_information",
    ),
    path("hospital/notices/<int:notice_id>/status/", views.status_change, name="status_change"),
    path("hospital/notices/<int:notice_id>/discharge/", views.discharge, name="discharge"),
    # The service's view: figures per hospital and ward, no patient records.
    path("staff/hospitals/", views.compliance, name="compliance"),
    path("staff/hospitals/<slug:code>/", views.hospital_wards, name="hospital_wards"),
]
