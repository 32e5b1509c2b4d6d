"""Test data for persons: valid ID numbers on demand, and a factory that goes through person_create."""

import itertools
from datetime import date
from typing import Any

import factory
from stdnum.cn import ric

from bianban.people.models import Person
from bianban.people.services import person_create

_sequence = itertools.count(1)


def make_id_number(
    birth: date = date(1980, 1, 1), *, sex: str = "M", region: str = "110105", seq: int | None = None
) -> str:
    """A valid 18-digit 公民身份号码: region + birth date + a sequence whose last digit gives the sex
    (odd: male) + the MOD 11-2 check character."""
    n = next(_sequence) if seq is None else seq
    sequence = (n * 2) % 1000 + (1 if sex == "M" else 0)  # even base, +1 for a man
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


class PersonFactory(factory.Factory):
    """Builds persons through the service, so the factory's data obeys every rule the service enforces."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试{n:03d}")
    sex = "M"
    birth = date(1980, 1, 1)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth, sex=o.sex))
    unit = None
    actor = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, birth: date, sex: str, **kwargs: Any) -> Person:
        return person_create(**kwargs)
