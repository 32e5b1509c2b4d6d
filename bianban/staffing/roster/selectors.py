"""Reads of roster import runs: a run is visible to the user who uploaded it, and to office staff who may do
staffing business across the whole district (the files hold ID numbers of many units)."""

from typing import Any

from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import has_district_perm
from bianban.core.exceptions import NotFound
from bianban.staffing.roster.models import RosterImport


def imports_for_user(user: Any) -> QuerySet[RosterImport]:
    qs = RosterImport.objects.select_related("actor")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if has_district_perm(user, Perm.STAFFING_CHANGE):
        return qs
    return qs.filter(actor=user)


def import_get_for_user(user: Any, pk: int) -> RosterImport:
    job = imports_for_user(user).filter(pk=pk).first()
    if job is None:
        raise NotFound("导入记录不存在或无权访问")
    return job
