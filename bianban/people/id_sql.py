"""The 公民身份号码 check of GB 11643-1999 as a database expression, so that the database itself judges every
stored number whatever wrote it (services, the roster import, a migration of legacy data), and verification
finds the bad ones through an index instead of recomputing a million checksums (checks.rules.invalid_id).

The same test in Python, with the reasons spelled out, is core.validators.parse_id_number.
"""

from django.db.models import BooleanField, Case, CharField, F, Func, Q, Value, When
from django.db.models.functions import Length, Ord, Substr
from django.db.models.lookups import Exact, GreaterThan, In, LessThan

from bianban.core.validators import PROVINCE_PREFIXES

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class _StripChars(Func):
    """LTRIM(text, characters): what is left after removing the leading `characters` (SQLite and PostgreSQL)."""

    function = "LTRIM"
    output_field = CharField()


def id_number_invalid_q() -> Q:
    """Numbers that fail: length, 17 digits, region code, month and day ranges, MOD 11-2 check character."""
    number = F("id_number")
    checksum = sum(((Ord(Substr(number, i + 1, 1)) - 48) * w for i, w in enumerate(_WEIGHTS)), Value(0))
    expected = Substr(Value("10X98765432"), checksum % 11 + 1, 1)
    month, day = Substr(number, 11, 2), Substr(number, 13, 2)
    return (~Q(Exact(Length(number), 18))
            | Q(GreaterThan(Length(_StripChars(Substr(number, 1, 17), Value("0123456789"))), 0))
            | ~Q(Exact(Substr(number, 18, 1), expected))
            | ~Q(In(Substr(number, 1, 2), sorted(str(p) for p in PROVINCE_PREFIXES)))
            | Q(LessThan(month, Value("01"))) | Q(GreaterThan(month, Value("12")))
            | Q(LessThan(day, Value("01"))) | Q(GreaterThan(day, Value("31"))))


def id_number_valid_expression() -> Case:
    return Case(When(id_number_invalid_q(), then=Value(False)), default=Value(True), output_field=BooleanField())
