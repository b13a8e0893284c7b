from django.urls import path

from imha.resources.views import INFORMATION_PAGES, information_page

app_name = "resources"

urlpatterns = [
    path(page.path, information_page, {"page": page}, name=page.url_name)
    for page in INFORMATION_PAGES
]
