from django.urls import include, path

from imha.core.admin_site import admin_site

urlpatterns = [
    path("", include("imha.resources.urls")),
    path("", include("imha.core.urls")),
    path("", include("imha.accounts.urls")),
    path("", include("imha.referrals.urls")),
    path("", include("imha.cases.urls")),
    path("", include("imha.hospitals.urls")),
    path("", include("imha.reports.urls")),
    path("", include("imha.audit.urls")),
    path("admin/", admin_site.urls),
]
handler500 = "imha.core.views.server_error"
