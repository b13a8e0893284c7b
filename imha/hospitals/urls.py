from django.urls import URLPattern, URLResolver

app_name = "hospitals"

urlpatterns: list[URLPattern | URLResolver] = []
