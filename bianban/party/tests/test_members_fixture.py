from typing import Any

from bianban.party.choices import MemberStatus
from bianban.party.models import ComplianceRule


def test_the_shared_branch_fixture_has_the_promised_shape(branch: Any) -> None:
    assert len(branch.members) == 9 and len(branch.full) == 7 and len(branch.probationary) == 2
    assert all(m.status == MemberStatus.FULL for m in branch.full)
    assert all(m.status == MemberStatus.PROBATIONARY for m in branch.probationary)
    assert branch.term.has_committee and branch.term.closed_on is None
    assert sorted(s.role for s in branch.term.seats.all()) == ["ORGANISATION", "PUBLICITY", "SECRETARY"]
    assert branch.secretary == branch.full[0] and branch.secretary.user == branch.users.secretary
    assert [g.leader for g in branch.groups] == [branch.full[1], branch.full[4]]
    assert ComplianceRule.objects.filter(branch=branch.branch).count() >= 8
