"""Accounts in the Django admin: read-only. Users, passwords and grants change through the accounts pages and
services, which validate and write the audit trail; Django's default User and Group admin would bypass both."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from bianban.units.admin import ReadOnlyAdmin

User = get_user_model()

for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "first_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "first_name"]
    exclude = ["password"]
