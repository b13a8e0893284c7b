from django.contrib import admin

from imha.core.admin_site import admin_site
from imha.hospitals.models import Hospital


@admin.register(Hospital, site=admin_site)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
