"""Django admin for superusers: browse and search the register. Writes go through the services (the unit
pages and the API), so the admin shows records read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianban.units.models import Charter, Division, Unit, UnitEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nothing here may bypass the services' checks, 沿革 and audit trail."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "short_name", "kind", "institution_class", "rank", "parent", "uscc", "status", "path")
    list_filter = ("kind", "status", "rank", "system_category")
    search_fields = ("name", "short_name", "other_names", "uscc")
    list_select_related = ("parent",)
    ordering = ("path",)


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "rank", "status", "established_on", "abolished_on", "document_no")
    list_filter = ("status", "rank")
    search_fields = ("name", "unit__name", "document_no")
    list_select_related = ("unit",)


@admin.register(Charter)
class CharterAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "version", "document_no", "issued_on", "effective_on", "is_current")
    list_filter = ("is_current",)
    search_fields = ("title", "document_no", "unit__name")
    list_select_related = ("unit",)


@admin.register(UnitEvent)
class UnitEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "unit", "kind", "summary", "document_no", "actor")
    list_filter = ("kind",)
    search_fields = ("summary", "document_no", "unit__name")
    list_select_related = ("unit", "actor")
    date_hierarchy = "occurred_on"
