"""The branch and member pages, end to end through the services."""

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bianban.party.choices import CommitteeRole, MemberStatus
from bianban.party.members import services
from bianban.party.members.terms import add_months
from bianban.party.models import Branch, CommitteeMember, CommitteeTerm, Member, PartyGroup

TODAY = timezone.localdate


def _d(day: date) -> str:
    return day.isoformat()


def test_the_branch_list_redirects_to_the_only_branch(branch: SimpleNamespace, client_for: Any) -> None:
    response = client_for(branch.users.member).get(reverse("party:branch_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("party:branch_detail", args=[branch.branch.pk])


def test_the_branch_list_shows_every_branch_when_there_are_several(branch: SimpleNamespace, district: Any,
                                                                   client_for: Any) -> None:
    services.branch_create(actor=None, name="医院党支部", code="hospital", unit=district.hospital,
                           parent_committee="卫健工委", founded_on=date(2015, 1, 1))
    response = client_for(branch.users.secretary).get(reverse("party:branch_list"))
    assert response.status_code == 200
    assert "示例区教育局机关党支部" in response.text and "医院党支部" in response.text


@pytest.mark.parametrize("persona", ["outsider", "liaison"])
def test_people_without_party_grants_get_404(branch: SimpleNamespace, persona: str, request: Any,
                                            client_for: Any) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("party:branch_list")).status_code == 404
    assert client.get(reverse("party:branch_detail", args=[branch.branch.pk])).status_code == 404
    assert client.get(reverse("party:member_detail", args=[branch.full[0].pk])).status_code == 404


def test_a_view_only_member_gets_404_for_the_forms(branch: SimpleNamespace, client_for: Any) -> None:
    client = client_for(branch.users.member)
    assert client.get(reverse("party:member_admit", args=[branch.branch.pk])).status_code == 404
    assert client.get(reverse("party:member_edit", args=[branch.full[1].pk])).status_code == 404
    page = client.get(reverse("party:branch_detail", args=[branch.branch.pk]))
    assert page.status_code == 200 and "接收预备党员" not in page.text


def test_the_branch_page_shows_committee_groups_counts_and_filters(branch: SimpleNamespace,
                                                                   client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = reverse("party:branch_detail", args=[branch.branch.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.text
    assert "第1届支部委员会" in text and "组织委员" in text and "第一党小组" in text
    assert "正式党员 7" in text and "预备党员 2" in text
    filtered = client.get(url, {"status": MemberStatus.PROBATIONARY})
    assert "黄敏" in filtered.text and "张伟</a>" not in filtered.text.split('data-testid="members"')[1]


def test_the_branch_page_warns_when_the_term_is_about_to_end(branch: SimpleNamespace, client_for: Any) -> None:
    ends = TODAY() + timedelta(days=40)
    CommitteeTerm.objects.filter(pk=branch.term.pk).update(ends_on=ends, elected_on=add_months(ends, -36))
    page = client_for(branch.users.secretary).get(reverse("party:branch_detail", args=[branch.branch.pk]))
    assert 'data-testid="term-reminder"' in page.text and "提前3个月" in page.text


def test_a_secretary_admits_a_member_through_the_form(branch: SimpleNamespace, client_for: Any,
                                                      make_person: Any) -> None:
    person = make_person("新同志")
    url = reverse("party:member_admit", args=[branch.branch.pk])
    client = client_for(branch.users.secretary)
    form = client.get(url)
    assert form.status_code == 200 and "新同志" in form.text
    response = client.post(url, {"person": person.pk, "admitted_on": _d(TODAY()), "group": branch.groups[0].pk,
                                 "category": "employed"})
    member = Member.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("party:member_detail", args=[member.pk])
    assert member.status == MemberStatus.PROBATIONARY and member.probation_ends_on == add_months(TODAY(), 12)


def test_admitting_someone_already_a_member_rerenders_the_form_with_422(branch: SimpleNamespace,
                                                                        client_for: Any) -> None:
    url = reverse("party:member_admit", args=[branch.branch.pk])
    response = client_for(branch.users.secretary).post(url, {"id_number": branch.full[2].person.id_number,
                                                             "admitted_on": _d(TODAY()), "category": "employed"})
    assert response.status_code == 422
    assert "已是示例区教育局机关党支部的党员" in response.text
    assert Member.objects.count() == 9


def test_a_transfer_in_through_the_form(branch: SimpleNamespace, client_for: Any, make_person: Any) -> None:
    person = make_person("转入者")
    url = reverse("party:member_transfer_in", args=[branch.branch.pk])
    response = client_for(branch.users.secretary).post(url, {
        "person": person.pk, "status": MemberStatus.FULL, "admitted_on": "2001-07-01", "full_on": "2002-07-01",
        "joined_from": "某县委组织部", "joined_on": _d(TODAY()), "category": "employed"})
    assert response.status_code == 302
    assert Member.objects.get(person=person).party_years(date(2012, 7, 1)) == 10


def test_making_full_too_early_is_422_and_on_time_succeeds(branch: SimpleNamespace, client_for: Any,
                                                           make_person: Any) -> None:
    client = client_for(branch.users.secretary)
    early = client.post(reverse("party:member_make_full", args=[branch.probationary[0].pk]), {"on": _d(TODAY())})
    assert early.status_code == 422 and "转正日期不能早于预备期满" in early.text
    due = services.member_admit(actor=None, branch=branch.branch, person=make_person(),
                                admitted_on=add_months(TODAY(), -12))
    ok = client.post(reverse("party:member_make_full", args=[due.pk]), {"on": _d(TODAY())})
    assert ok.status_code == 302
    assert Member.objects.get(pk=due.pk).status == MemberStatus.FULL


def test_extend_edit_and_leave_through_the_forms(branch: SimpleNamespace, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    member = branch.probationary[1]
    assert client.post(reverse("party:member_extend", args=[member.pk]), {"months": 6}).status_code == 302
    assert client.post(reverse("party:member_edit", args=[member.pk]),
                       {"category": "employed", "is_mobile": "on", "group": branch.groups[0].pk,
                        "user": "nobody"}).status_code == 422  # no such account
    assert client.post(reverse("party:member_edit", args=[member.pk]),
                       {"category": "employed", "is_mobile": "on", "group": branch.groups[0].pk}).status_code == 302
    bad = client.post(reverse("party:member_leave", args=[member.pk]), {"reason": "transfer_out", "on": "2000-01-01"})
    assert bad.status_code == 422 and "离开日期不能早于转入本支部日期" in bad.text
    assert client.post(reverse("party:member_leave", args=[member.pk]),
                       {"reason": "transfer_out", "on": _d(TODAY()), "destination": "区委办党支部"}).status_code == 302
    member.refresh_from_db()
    assert member.probation_extended and member.is_mobile and member.left_on == TODAY()


def test_the_member_page_shows_their_year(branch: SimpleNamespace, client_for: Any) -> None:
    page = client_for(branch.users.member).get(reverse("party:member_detail", args=[branch.full[1].pk]),
                                               {"year": TODAY().year})
    assert page.status_code == 200
    assert f"{TODAY().year}年度情况" in page.text and 'data-testid="attendance-rate"' in page.text
    assert "组织委员" in page.text and "党龄" in page.text
    assert "转出 / 离开" not in page.text  # view only


def test_groups_and_committee_through_the_forms(branch: SimpleNamespace, client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    assert client.post(reverse("party:group_create", args=[branch.branch.pk]),
                       {"name": "第三党小组", "leader": branch.full[5].pk}).status_code == 302
    group = PartyGroup.objects.get(name="第三党小组")
    assert client.post(reverse("party:group_edit", args=[group.pk]), {"name": "第三组"}).status_code == 302
    assert client.post(reverse("party:group_dissolve", args=[group.pk]), {"on": _d(TODAY())}).status_code == 302
    refused = client.post(reverse("party:term_seat_assign", args=[branch.term.pk]),
                          {"member": branch.full[3].pk, "role": CommitteeRole.SECRETARY, "since": _d(TODAY())})
    assert refused.status_code == 422 and "书记已有在任人选" in refused.text
    assert client.post(reverse("party:term_seat_assign", args=[branch.term.pk]),
                       {"member": branch.full[3].pk, "role": CommitteeRole.DISCIPLINE,
                        "since": _d(TODAY())}).status_code == 302
    seat = CommitteeMember.objects.get(role=CommitteeRole.DISCIPLINE)
    assert client.post(reverse("party:term_seat_end", args=[seat.pk]), {"on": _d(TODAY())}).status_code == 302
    assert client.post(reverse("party:term_elect", args=[branch.branch.pk]),
                       {"elected_on": _d(TODAY()), "years": 3}).status_code == 302
    terms = client.get(reverse("party:term_list", args=[branch.branch.pk]))
    assert terms.status_code == 200 and "第2届支部委员会" in terms.text and "现任" in terms.text


def test_a_branch_is_created_and_edited_through_the_forms(district: Any, admin: Any, client_for: Any) -> None:
    client = client_for(admin)
    response = client.post(reverse("party:branch_create"), {
        "name": "示例区编办机关党支部", "code": "bianban", "unit": district.edu.pk, "parent_committee": "区直机关工委",
        "founded_on": "2010-05-01", "term_years": 3})
    created = Branch.objects.get(code="bianban")
    assert response.status_code == 302 and response["Location"] == reverse("party:branch_detail", args=[created.pk])
    bad = client.post(reverse("party:branch_edit", args=[created.pk]), {
        "name": "示例区编办机关党支部", "code": "Bad Code", "unit": district.edu.pk, "parent_committee": "区直机关工委",
        "founded_on": "2010-05-01", "term_years": 3})
    assert bad.status_code == 422 and "代码只能包含" in bad.text
