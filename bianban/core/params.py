"""Bounded numbers for API parameters and request bodies.

An id or year arrives from the query string, the path or a JSON body as an arbitrary integer. SQLite cannot bind one
outside 64 bits (OverflowError, a 500), and no row has such an id anyway, so the schema states the range: the client
gets a 422 with a Chinese message, and the OpenAPI document says what is accepted.
"""

from datetime import time
from typing import Annotated, Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, WithJsonSchema

MAX_ID = 2**63 - 1  # the largest BigAutoField value
MAX_OFFSET = 2**53  # any further is past every list, and offset + limit must stay inside 64 bits
FIRST_YEAR, LAST_YEAR = 1900, 2999  # 年度: four digits; records before 1900 do not exist in this register

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]  # a number of people, posts, months or days
# Any other whole number a form stores: PostgreSQL's integer column is 32 bits, whatever the field's own range.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Month = Annotated[int, Field(ge=1, le=12)]
Limit = Annotated[int, Field(ge=1, le=MAX_ID)]  # served at most API_MAX_LIMIT at a time
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]



def _local(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("时间应为当地时间，不带时区")
    return value


# A time of day as the office gives it (会议开始时间): local, no offset. JSON Schema's "time" format demands an offset,
# which these values never carry, so the schema states the accepted shape itself.
LocalTime = Annotated[time, AfterValidator(_local), WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "当地时间，如 15:00 或 15:00:00",
})]


def id_in_range(pk: Any) -> bool:
    """Whether `pk` could be a row's id; for values that did not come through the schema (forms, CLI)."""
    return isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= MAX_ID


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with the offset bounded; a limit above the maximum is served at the maximum."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=settings.BIANBAN["API_MAX_LIMIT"], **kwargs)
