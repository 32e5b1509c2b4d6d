from django.contrib import admin

from bianban.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read-mostly view for operators: writes belong to the services (they validate and audit), so the
    admin shows persons but does not edit them."""

    list_display = ["name", "sex", "birth_date", "unit", "political_status", "retirement_month"]
    list_filter = ["sex", "political_status", "retirement_category"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
