"""The meeting rules as pure functions: who must attend, when a meeting may be held (法定人数), when a resolution
passes, and the Chinese sentences that explain each outcome on the page.

Sources (domain.md §6.3): 条例第十一条 — a 支部党员大会 is held only when more than half of the members with voting
rights who are due to attend are present, and a resolution needs the votes of more than half of them; 条例第十三条 —
a 支委会 needs more than half of its members present. 预备党员 have no vote (党章第七条).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from bianban.party.choices import STUDY_KINDS, ActivityKind

# Meetings that vote: only they may carry resolutions, and only they have a quorum.
VOTING_KINDS = frozenset({ActivityKind.GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING})
MAX_STUDY_HOURS = Decimal("24")
# 志愿服务时长 per member and activity: at most a day (the seed's 护林防火 and 文明城市创建 are half-day turns).
MAX_SERVICE_HOURS = Decimal("24")
SERVICE_HOURS_MESSAGE = "服务时长应为0到24之间的数字"


def more_than_half(n: int) -> int:
    """The smallest count that is more than half of `n` (过半数)."""
    return n // 2 + 1


def is_study_kind(kind: str) -> bool:
    return kind in STUDY_KINDS


def is_volunteer_kind(kind: str) -> bool:
    """志愿服务: the only kind with a 服务领域 and per-member 服务时长 (it earns no study hours)."""
    return kind == ActivityKind.VOLUNTEER


def service_hours(value: Any) -> tuple[Decimal | None, str]:
    """Submitted service hours read as (hours, "") — None when left blank — or (None, why they are refused):
    a positive number of at most 24 with one decimal (the column holds one)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool):
        return None, SERVICE_HOURS_MESSAGE
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        return None, SERVICE_HOURS_MESSAGE
    if not hours.is_finite() or hours <= 0 or hours > MAX_SERVICE_HOURS:
        return None, SERVICE_HOURS_MESSAGE
    if hours != hours.quantize(Decimal("0.1")):
        return None, "服务时长最多保留1位小数"
    return hours.quantize(Decimal("0.1")), ""  # as stored, so the audit compares like with like


def quorum(kind: str, *, due: int, present: int, voting_due: int, voting_present: int) -> bool | None:
    """Whether the meeting could be held; None for kinds without a quorum rule."""
    if kind == ActivityKind.GENERAL_MEETING:
        return voting_present * 2 > voting_due  # 条例第十一条
    if kind == ActivityKind.COMMITTEE_MEETING:
        return present * 2 > due  # 条例第十三条: 半数以上委员到会
    return None


def quorum_explanation(kind: str, *, due: int, present: int, voting_due: int, voting_present: int) -> str:
    """One sentence saying whether the quorum is met and why; empty for kinds without a quorum rule."""
    if kind == ActivityKind.GENERAL_MEETING:
        if voting_due == 0:
            return "该日本支部没有有表决权的正式党员，支部党员大会不符合召开条件（条例第十一条）。"
        need = more_than_half(voting_due)
        head = f"应到有表决权党员{voting_due}人，实到{voting_present}人（预备党员没有表决权，不计入）"
        if voting_present * 2 > voting_due:
            return f"{head}，超过半数，符合召开条件（条例第十一条）。"
        return (f"{head}，未超过半数（至少须{need}人到会），不符合支部党员大会召开条件（条例第十一条），"
                "会议记录已保存并标注，不能作出决议。")
    if kind == ActivityKind.COMMITTEE_MEETING:
        if due == 0:
            return "该日没有在任支委，不能召开支委会（条例第十三条）。"
        need = more_than_half(due)
        head = f"应到支委{due}人，实到{present}人"
        if present * 2 > due:
            return f"{head}，超过半数，符合召开条件（条例第十三条）。"
        return (f"{head}，未超过半数（至少须{need}人到会），不符合支委会召开条件（条例第十三条），"
                "会议记录已保存并标注，不能作出决议。")
    return ""


def resolution_passes(votes_for: int, voting_due: int) -> bool:
    """条例第十一条: a resolution needs the votes of more than half of 应到会有表决权的党员 (not of those present);
    a 支委会 decides by the same majority of its members in office (民主集中制, 条例第十三条)."""
    return votes_for * 2 > voting_due


def resolution_explanation(kind: str, votes_for: int, voting_due: int) -> str:
    need = more_than_half(voting_due)
    verdict = "通过" if resolution_passes(votes_for, voting_due) else "未通过"
    base = "应到支委" if kind == ActivityKind.COMMITTEE_MEETING else "应到有表决权党员"
    return f"赞成{votes_for}票，{base}{voting_due}人，须超过半数（至少{need}票）赞成，{verdict}。"
