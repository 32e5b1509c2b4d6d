"""What a reminder source reports: something due soon or overdue, and who must act on it.

Each area of the branch's work (duty items, milestones, risk reviews, key dates, organisational life, ledger
deadlines) has one source: a function `(on, horizon_days) -> Iterable[Due]` listed in
settings.BIANBAN["REMINDERS"]["SOURCES"]. The daily refresh turns what they report into each user's Reminder rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bianban.party.models import Branch, CommitteeMember


@dataclass(frozen=True)
class Due:
    kind: str  # a ReminderKind value
    key: str  # stable identity of what is due, e.g. "duty:12" or "keydate:3": a refresh updates, never duplicates
    title: str  # Chinese, complete: "5月：专题研讨（已完成 3/12 次），责任人 张伟"
    due_on: date
    url: str
    user_ids: frozenset[int]  # who must act


def branch_leads(branches: Iterable[Branch], on: date) -> dict[int, frozenset[int]]:
    """Branch id → the user ids of its committee members in office on `on` (the secretary among them): who is
    reminded of branch-wide work that has no owner of its own."""
    seats = (CommitteeMember.objects
             .filter(term__branch__in=list(branches), term__closed_on__isnull=True, since__lte=on,
                     member__user__isnull=False)
             .exclude(until__lte=on)
             .values_list("term__branch_id", "member__user_id"))
    leads: dict[int, set[int]] = {}
    for branch_id, user_id in seats:
        leads.setdefault(branch_id, set()).add(user_id)
    return {branch_id: frozenset(users) for branch_id, users in leads.items()}
