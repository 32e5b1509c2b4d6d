"""Shared party fixtures: a working branch built through the members-area services, as the app itself would.

`branch` → SimpleNamespace(branch, members, full, probationary, groups, term, secretary, seats, users):
- 党支部 "示例区教育局机关党支部" (code "edu") in 区教育局, founded 2015-07-01, 3-year terms;
- 9 current members: 7 正式党员 (full[0..6], joined 2016) and 2 预备党员 admitted 60 days ago (probation not over);
- 2 党小组 (groups[0] led by full[1]: full[0..3] + probationary[0]; groups[1] led by full[4]: the rest);
- the current term (第1届, elected a year ago, with a committee) with seats 书记 full[0], 组织委员 full[1],
  宣传委员 full[2]; `secretary` is full[0];
- the personas are linked as members: the `secretary` persona is full[0], the `member` persona is full[6].
"""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from bianban.party.choices import CommitteeRole, MemberStatus
from bianban.party.members import services
from bianban.party.members.terms import add_months
from bianban.people.tests.factories import PersonFactory

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰"]


@pytest.fixture
def make_person(district: SimpleNamespace) -> Any:
    """A person of 区教育局 (the branch's unit) by default."""

    def make(name: str = "", unit: Any = None, **kwargs: Any) -> Any:
        values = {"unit": unit or district.edu, **kwargs}
        if name:
            values["name"] = name
        return PersonFactory(**values)

    return make


@pytest.fixture
def branch(district: SimpleNamespace, make_person: Any, secretary: Any, member: Any) -> SimpleNamespace:
    today = timezone.localdate()
    party_branch = services.branch_create(actor=None, name="示例区教育局机关党支部", code="edu", unit=district.edu,
                                          parent_committee="示例区直属机关工委", founded_on=date(2015, 7, 1))
    groups = [services.group_create(actor=None, branch=party_branch, name="第一党小组", sort_order=1),
              services.group_create(actor=None, branch=party_branch, name="第二党小组", sort_order=2)]
    full = []
    for i, name in enumerate(NAMES[:7]):
        full.append(services.member_transfer_in(
            actor=None, branch=party_branch, person=make_person(name), status=MemberStatus.FULL,
            admitted_on=date(2005 + i, 7, 1), full_on=date(2006 + i, 7, 1), joined_on=date(2016, 1, 4),
            joined_from="示例区委组织部", group=groups[0] if i < 4 else groups[1],
            user=secretary if i == 0 else member if i == 6 else None))
    admitted = today - timedelta(days=60)
    probationary = [services.member_admit(actor=None, branch=party_branch, person=make_person(name),
                                          admitted_on=admitted, group=groups[0] if i == 0 else groups[1])
                    for i, name in enumerate(NAMES[7:])]
    groups[0] = services.group_update(actor=None, group=groups[0], leader=full[1])
    groups[1] = services.group_update(actor=None, group=groups[1], leader=full[4])
    term = services.term_elect(actor=None, branch=party_branch, elected_on=add_months(today, -12))
    seats = [services.seat_assign(actor=None, term=term, member=m, role=role, since=term.elected_on)
             for m, role in ((full[0], CommitteeRole.SECRETARY), (full[1], CommitteeRole.ORGANISATION),
                             (full[2], CommitteeRole.PUBLICITY))]
    return SimpleNamespace(branch=party_branch, members=full + probationary, full=full, probationary=probationary,
                           groups=groups, term=term, secretary=full[0], seats=seats,
                           users=SimpleNamespace(secretary=secretary, member=member))
