"""Reads of registrations and certificates, scoped by the institution: a user sees the registration of every
unit they may see (a liaison: their own subtree), whatever its 举办单位."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import MAX_ID
from bianban.registration.choices import FundingSource, RegistrationStatus
from bianban.registration.models import Certificate, Registration
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Unit
from bianban.units.selectors import units_for_user

EXPIRY_CHOICES = [("expiring", "即将到期"), ("expired", "已过期"), ("none", "无现行证书")]
# The longest "expiring within N days" window (about ten years, longer than any certificate is valid); the filter
# form has the same bound. Beyond it the date arithmetic would overflow.
MAX_EXPIRY_DAYS = 3660


def in_id_range(pk: Any) -> bool:
    """Whether `pk` (an int or a model instance) can be a primary key, so a filter on it may safely reach the DB: an
    id filter from a page's query string beyond the database's range matches nothing instead of overflowing the
    driver (the API's schema refuses such numbers before they get here)."""
    return not isinstance(pk, int) or isinstance(pk, bool) or -MAX_ID - 1 <= pk <= MAX_ID


def renewal_days() -> int:
    """Renewal falls in the 30 days before expiry (domain.md §3.3): the default "expiring" window."""
    return int(settings.BIANBAN["REGISTRATION"]["RENEWAL_DAYS_BEFORE"])


def expiry_state(valid_until: date | None, today: date, days: int | None = None) -> str:
    """"expired", "expiring" (within `days`, default the renewal window) or "" for a certificate's end date."""
    if valid_until is None:
        return ""
    if valid_until < today:
        return "expired"
    if valid_until <= today + timedelta(days=renewal_days() if days is None else days):
        return "expiring"
    return ""


def _current_until() -> Subquery:
    current = Certificate.objects.filter(registration=OuterRef("pk"), is_current=True)
    return Subquery(current.values("valid_until")[:1])


def registrations_for_user(
    user: Any, *, status: str = "", sponsor: Unit | int | None = None, funding_source: str = "", expiry: str = "",
    days: int | None = None, q: str = "", today: date | None = None, perm: str = Perm.UNITS_VIEW,
) -> QuerySet[Registration]:
    """Registrations of the units the user may `perm`, each annotated with `current_valid_until` (the current
    certificate's end). `expiry`: "expiring" (a certificate of an active registration ending within `days`,
    default the renewal window), "expired" (already ended), "none" (no current certificate). Unknown filter
    values match nothing rather than everything."""
    qs = restrict(Registration.objects.all(), user, perm, prefix="unit__")
    qs = qs.select_related("unit", "sponsor").annotate(current_valid_until=_current_until())
    if status:
        qs = qs.filter(status=status) if status in RegistrationStatus.values else qs.none()
    if sponsor:
        qs = qs.filter(sponsor=sponsor) if in_id_range(sponsor) else qs.none()
    if funding_source:
        qs = qs.filter(funding_source=funding_source) if funding_source in FundingSource.values else qs.none()
    if expiry:
        day = today or timezone.localdate()
        active = qs.filter(status=RegistrationStatus.ACTIVE)
        window = renewal_days() if days is None else max(int(days), 0)
        if window > MAX_EXPIRY_DAYS:
            raise ValidationFailed.on("days", f"到期天数不能超过{MAX_EXPIRY_DAYS}天")
        if expiry == "expiring":
            qs = active.filter(current_valid_until__gte=day, current_valid_until__lte=day + timedelta(days=window))
        elif expiry == "expired":
            qs = active.filter(current_valid_until__lt=day)
        elif expiry == "none":
            qs = active.filter(current_valid_until__isnull=True)
        else:
            qs = qs.none()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(other_names__icontains=q) | Q(uscc__icontains=q.upper())
                       | Q(legal_representative__icontains=q) | Q(unit__name__icontains=q)
                       | Q(sponsor__name__icontains=q))
    return qs.order_by("name", "pk")


def registration_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Registration:
    registration = registrations_for_user(user, perm=perm).filter(pk=pk).first()
    if registration is None:
        raise NotFound("登记不存在或无权访问")
    return registration


def certificates_of(registration: Registration) -> QuerySet[Certificate]:
    """The registration's certificates, the current one first, then newest first."""
    return registration.certificates.order_by("-is_current", "-issued_on", "-pk")


def certificate_get_for_user(user: Any, pk: int, perm: str = Perm.UNITS_VIEW) -> Certificate:
    certificate = (Certificate.objects.filter(pk=pk, registration__in=registrations_for_user(user, perm=perm)
                                              .values("pk"))
                   .select_related("registration__unit").first())
    if certificate is None:
        raise NotFound("证书不存在或无权访问")
    return certificate


def unregistered_institutions(user: Any, perm: str = Perm.UNITS_CHANGE) -> QuerySet[Unit]:
    """Active 事业单位 the user may `perm` that have no registration yet (the create form's choices)."""
    return (units_for_user(user, perm).filter(kind=UnitKind.INSTITUTION, status=UnitStatus.ACTIVE,
                                              registration__isnull=True).order_by("path"))


def sponsor_choices(user: Any) -> QuerySet[Unit]:
    """Active units the user may see, as 举办单位 choices (usually the institution's 主管部门)."""
    return units_for_user(user).filter(status=UnitStatus.ACTIVE).order_by("path")
