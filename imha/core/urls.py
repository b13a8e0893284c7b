from django.urls import path

from imha.core import views

app_name = "core"

urlpatterns = [
    path("staff/", views.staff_home, name="staff_home"),
    path("healthz", views.healthcheck, name="healthcheck"),
]
