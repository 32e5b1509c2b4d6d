"""The meeting rules as pure functions: who must attend, when a meeting may be held (法定人数), when a resolution
passes, and the Chinese sentences that explain each outcome on the page.

Sources (domain.md §6.3): 条例第十一条 — a 支部党员大会 is held only when more than half of the members with voting
rights who are due to attend are present, and a resolution needs the votes of more than half of them; 条例第十三条 —
a 支委会 needs more than half of its members present. 预备党员 have no vote (党章第七条).
"""

from decimal import Decimal

from bianban.party.choices import STUDY_KINDS, ActivityKind

# Meetings that vote: only they may carry resolutions, and only they have a quorum.
VOTING_KINDS = frozenset({ActivityKind.GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING})
MAX_STUDY_HOURS = Decimal("24")


def more_than_half(n: int) -> int:
    """The smallest count that is more than half of `n` (过半数)."""
    return n // 2 + 1


def is_study_kind(kind: str) -> bool:
    return kind in STUDY_KINDS


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
