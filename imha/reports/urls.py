from django.urls import URLPattern, URLResolver, path

from imha.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/quarterly/", views.quarterly_return, name="quarterly_return"),
    path("reports/quarterly/export.csv", views.export_csv, name="export_csv"),
    path("reports/quarterly/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("reports/quarterly/recalculate/", views.recalculate, name="recalculate"),
]
