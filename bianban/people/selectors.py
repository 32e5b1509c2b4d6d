"""Reads of persons, always scoped to the user through the unit that keeps their file."""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import restrict, unit_allows
from bianban.core.exceptions import NotFound
from bianban.core.validators import mask_id_number, parse_id_number
from bianban.people.models import Person
from bianban.units.models import Unit
from bianban.units.selectors import units_for_user


def people_for_user(user: Any, perm: str = Perm.PEOPLE_VIEW) -> QuerySet[Person]:
    return restrict(Person.objects.all(), user, perm, prefix="unit__")


def person_get_for_user(user: Any, pk: int, perm: str = Perm.PEOPLE_VIEW) -> Person:
    person = people_for_user(user, perm).select_related("unit").filter(pk=pk).first()
    if person is None:
        raise NotFound("人员不存在或无权访问")
    return person


def pii_visible(user: Any, person: Person) -> bool:
    """Whether the user sees this person's full ID number (and other personal data) unmasked."""
    return unit_allows(user, Perm.PEOPLE_VIEW_PII, person.unit)


def displayed_id_number(user: Any, person: Person) -> str:
    """The ID number as this user may see it: full, or masked as 110105********002X."""
    return person.id_number if pii_visible(user, person) else mask_id_number(person.id_number)


def person_changeable(user: Any, person: Person) -> bool:
    return unit_allows(user, Perm.PEOPLE_CHANGE, person.unit)


def units_for_people_change(user: Any) -> QuerySet:
    """The active units in which the user may register or edit people: the choices of the unit field."""
    return units_for_user(user, Perm.PEOPLE_CHANGE).filter(status="active")


def unit_for_people(user: Any, pk: int) -> Any:
    """A unit whose people the user may see, by id (an API filter or reference), or None."""
    return units_for_user(user, Perm.PEOPLE_VIEW).filter(pk=pk).first()


def normalise_id_query(raw: str) -> str:
    """The 18-digit form of an ID number typed into a search: spaces dropped, x upper-cased, and an old
    15-digit number upgraded so that it finds the person registered under the new one."""
    number = re.sub(r"\s", "", raw or "").upper()
    if len(number) == 15:
        try:
            return parse_id_number(number).number
        except ValidationError:
            return number
    return number


def _month_start(day: date, plus_months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + plus_months
    return date(index // 12, index % 12 + 1, 1)


def people_search(
    user: Any,
    *,
    q: str = "",
    id_number: str = "",
    unit: Any = None,
    include_subunits: bool = True,
    sex: str = "",
    political_status: str = "",
    retiring_within_months: int | None = None,
    past_retirement: bool = False,
    today: date | None = None,
) -> QuerySet[Person]:
    """The people the user may see, narrowed by the search form's filters.

    `retiring_within_months=N`: whose retirement month is this month or one of the next N months.
    `past_retirement`: whose retirement month is already over (still on file after it: a check candidate).
    """
    qs = people_for_user(user).select_related("unit")
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    if id_number.strip():
        qs = qs.filter(id_number=normalise_id_query(id_number))
    if unit is not None:
        # A subquery of unit ids, not a join on unit.path: SQLite would otherwise walk every person through the name
        # index (measured on the 1M-person register: 83 + 52 ms for count and page, 1.4 + 3.7 ms this way).
        subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
        qs = qs.filter(unit_id__in=subtree) if include_subunits else qs.filter(unit=unit)
    if sex:
        qs = qs.filter(sex=sex)
    if political_status:
        qs = qs.filter(political_status=political_status)
    this_month = _month_start(today or date.today())
    if retiring_within_months is not None:
        qs = qs.filter(retirement_month__gte=this_month,
                       retirement_month__lte=_month_start(this_month, retiring_within_months))
    if past_retirement:
        qs = qs.filter(retirement_month__lt=this_month)
    return qs
