"""The statistics workbooks' inputs and their audit: the 基准日, the year and the root unit as the page, the API and
the command line receive them (each refusal a ValidationFailed with a Chinese message, or NotFound outside the
reader's scope), and the record that someone took a workbook away (they describe whole units and name members)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.audit import audit
from bianban.core.exceptions import NotFound, ValidationFailed
from bianban.party.models import Branch
from bianban.reports import inputs
from bianban.units.models import Unit
from bianban.units.selectors import unit_get_for_user

# Nothing in a register kept by this platform predates it by decades; an earlier date is a typing slip.
FIRST_DAY = date(1950, 1, 1)


def check_as_of(value: Any, *, field: str = "as_of") -> date:
    """The 基准日: today when empty; a date or YYYY-MM-DD text, not in the future."""
    today = timezone.localdate()
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed.on(field, "基准日格式应为 YYYY-MM-DD，如 2024-12-31") from None
    if not isinstance(value, date):
        raise ValidationFailed.on(field, "请填写有效的基准日")
    if value > today:
        raise ValidationFailed.on(field, "基准日不能晚于今天")
    if value < FIRST_DAY:
        raise ValidationFailed.on(field, f"基准日不能早于{FIRST_DAY.year}年")
    return value


def check_year(value: Any, *, field: str = "year") -> int:
    """The statistics year as an int, 2000 to this year (the current year counts up to today)."""
    return inputs.check_year(value, last=timezone.localdate().year, field=field)


def root_unit(user: Any, key: Any, *, field: str = "unit") -> Unit | None:
    """The unit whose subtree the table covers (None: the reader's whole scope). `user=None` is system work."""
    text = "" if key is None else str(key).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationFailed.on(field, "单位应为单位编号（整数）")
    if user is None:
        unit = Unit.objects.filter(pk=int(text)).first()
        if unit is None:
            raise ValidationFailed.on(field, f"单位“{text}”不存在")
        return unit
    return unit_get_for_user(user, int(text))  # NotFound outside the reader's scope


def party_branch(user: Any, key: Any, *, field: str = "branch") -> Branch:
    """A branch by number or code whose work the reader runs (party.change: the sheets list each member's
    attendance and talk gaps, which a member may not see of others); NotFound when it does not exist or the reader
    may not run it. `user=None` is system work."""
    text = "" if key is None else str(key).strip()
    if not text:
        raise ValidationFailed.on(field, "请选择党支部（党支部代码或编号）")
    if user is not None:
        return inputs.branch_for_user(user, text, Perm.PARTY_CHANGE)
    branch = inputs.branch_by_key(text)
    if branch is None:
        raise NotFound("党支部不存在或无权访问")
    return branch


def establishment_inputs(user: Any, unit: Any, as_of: Any) -> tuple[Unit | None, date]:
    """(root, 基准日) checked together: a unit abolished by the date has nothing to count."""
    day = check_as_of(as_of)
    root = root_unit(user, unit)
    if root is not None and not root.is_active and (root.abolished_on is None or root.abolished_on <= day):
        when = f"已于{root.abolished_on:%Y-%m-%d}撤销" if root.abolished_on else "已撤销"
        raise ValidationFailed.on("as_of", f"{root.name}{when}，请选择撤销前的基准日")
    return root, day


@transaction.atomic(durable=True)
def establishment_export(*, actor: Any, root: Unit | None, as_of: date, units: int, lines: int) -> None:
    """Record that the actor took the 机构编制统计表 of a subtree (actor None: the command line)."""
    audit(actor=actor, action="statistics.establishment_export", target=root, unit_id=root.pk if root else None,
          changes={"as_of": [None, as_of], "units": [None, units], "lines": [None, lines]})


@transaction.atomic(durable=True)
def party_export(*, actor: Any, branch: Branch, year: int, members: int) -> None:
    """Record that the actor took a branch's 党建工作统计表 (it lists each member's attendance and talks)."""
    audit(actor=actor, action="statistics.party_export", target=branch, unit_id=branch.unit_id,
          changes={"year": [None, year], "members": [None, members]})
