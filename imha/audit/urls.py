from django.urls import path

from imha.audit import views

app_name = "audit"

urlpatterns = [
    path(
        "staff/history/<slug:object_type>/<str:object_id>/",
        views.record_history,
        name="record_history",
    ),
]
