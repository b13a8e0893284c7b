from django.urls import path

from imha.audit import views

app_name = "audit"

urlpatterns = [
    path("staff/access-log/", views.access_log, name="access_log"),
    path("staff/access-log/export.csv", views.access_log_csv, name="access_log_csv"),
    path(
        "staff/history/<slug:object_type>/<str:object_id>/",
        views.record_history,
        name="record_history",
    ),
]
