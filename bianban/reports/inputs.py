"""Input checks the reports share (述职报告, statistics workbooks, dashboards), so the page, the API and the command
line refuse the same input with the same Chinese words, and no text reaches `int()` or the database unchecked."""

from typing import Any

from bianban.accounts.choices import Perm
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.core.params import id_in_range
from bianban.party.access import branch_get_for_user
from bianban.party.models import Branch

FIRST_YEAR = 2000  # nothing the reports count predates the platform's records


def check_year(value: Any, *, last: int, first: int = FIRST_YEAR, field: str = "year") -> int:
    """A four-digit year from `first` to `last`. ASCII digits only: "²⁰²³" is digits to str.isdigit() but not to
    int()."""
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise ValidationFailed.on(field, "年度应为四位数字年份，如2023")
    if not first <= int(text) <= last:
        raise ValidationFailed.on(field, f"年度应在{first}年至{last}年之间")
    return int(text)


def branch_for_user(user: Any, key: Any, perm: str = Perm.PARTY_VIEW) -> Branch:
    """A branch the user may `perm`, by id or code (as the API, pages and links give it); NotFound otherwise,
    including a number too big for the database and non-ASCII digits, which name no branch."""
    text = "" if key is None else str(key).strip()
    if not text or (text.isdigit() and not (text.isascii() and id_in_range(int(text)))):
        raise NotFound("党支部不存在或无权访问")
    return branch_get_for_user(user, text, perm)


def branch_by_key(key: Any) -> Branch | None:
    """A branch by id or code, whoever asks (system work: the command line, scheduled reports). A number too big
    for the database, or digits that are not ASCII, can only be a code."""
    text = "" if key is None else str(key).strip()
    if not text:
        return None
    branches = Branch.objects.select_related("unit")
    by_id = branches.filter(pk=int(text)).first() if text.isascii() and text.isdigit() and id_in_range(int(text)) \
        else None
    return by_id or branches.filter(code=text).first()
