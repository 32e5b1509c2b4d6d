from typing import Any

from django.urls import reverse
from django.utils import timezone

from bianban.core.models import AuditEvent
from bianban.ledger.models import Problem
from bianban.party.choices import TalkKind
from bianban.party.models import Talk
from bianban.party.tests.talks_fixtures import add_talk, other_branch  # noqa: F401

TODAY = timezone.localdate()


def _form(branch: Any, **overrides: Any) -> dict[str, Any]:
    data = {"kind": TalkKind.HEART_TO_HEART, "held_on": TODAY.isoformat(), "topic": "谈思想谈工作",
            "place": "支部活动室", "talker": branch.full[0].pk, "talked_to": [branch.full[3].pk, branch.full[4].pk],
            "summary": "交流了近期思想状况", "follow_up": "", "problem_category": "party"}
    data.update(overrides)
    return data


def test_the_secretary_records_a_talk_with_several_talked_to_and_lands_on_its_page(branch: Any,
                                                                                   client_for: Any) -> None:
    client = client_for(branch.users.secretary)
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    page = client.get(url).content.decode()
    assert "谈话人" in page and "谈话对象" in page and "张伟" in page
    assert page.count('type="checkbox" name="talked_to"') == 9
    response = client.post(url, _form(branch))
    talk = Talk.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("party:talk_detail", args=[talk.pk])
    body = client.get(response["Location"]).content.decode()
    assert "谈思想谈工作" in body and "刘洋、陈静" in body and "（2人次）" in body


def test_a_talk_with_no_participants_is_refused_on_the_form_and_nothing_is_written(branch: Any,
                                                                                 client_for: Any) -> None:
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    response = client_for(branch.users.secretary).post(url, _form(branch, talker="", talked_to=[]))
    assert response.status_code == 422
    assert "谈话须有参与人：请选择一名谈话人和至少一名谈话对象" in response.content.decode()
    assert not Talk.objects.exists() and not AuditEvent.objects.filter(action="talk.create").exists()


def test_the_talker_among_the_talked_to_is_shown_next_to_the_field(branch: Any, client_for: Any) -> None:
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    response = client_for(branch.users.secretary).post(
        url, _form(branch, talked_to=[branch.full[0].pk, branch.full[1].pk]))
    assert response.status_code == 422
    assert "谈话人张伟不能同时是谈话对象" in response.content.decode()
    assert not Talk.objects.exists()


def test_an_office_admin_records_a_talk_and_its_problem_for_the_ledger(branch: Any, admin: Any,
                                                                     client_for: Any) -> None:
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    response = client_for(admin).post(url, _form(branch, kind=TalkKind.REMINDER, open_problem="on",
                                                 problem_title="学习笔记不全", problem_description="需补齐"))
    assert response.status_code == 302
    talk = Talk.objects.get()
    assert talk.problem == Problem.objects.get(title="学习笔记不全")
    assert "学习笔记不全" in client_for(admin).get(response["Location"]).content.decode()


def test_the_secretary_registers_the_problem_a_talk_found(branch: Any, client_for: Any) -> None:
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    response = client_for(branch.users.secretary).post(url, _form(branch, open_problem="on", problem_title="问题"))
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert Talk.objects.get().problem == problem and problem.source == "talk"
    assert problem.unit_id == branch.branch.unit_id


def test_a_member_without_the_right_to_keep_records_cannot_raise_a_problem(
        branch: Any, client_for: Any) -> None:
    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    response = client_for(branch.users.member).post(url, _form(branch, open_problem="on", problem_title="问题"))
    assert response.status_code == 404
    assert not Talk.objects.exists() and not Problem.objects.exists()


def test_a_recorded_talk_can_raise_its_problem_afterwards(branch: Any, admin: Any, client_for: Any,
                                                          add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 5)
    client = client_for(admin)
    assert "登记问题到问题台账" in client.get(reverse("party:talk_detail", args=[talk.pk])).content.decode()
    bad = client.post(reverse("party:talk_problem", args=[talk.pk]), {"problem_title": "", "problem_category": "party"})
    assert bad.status_code == 422 and "请填写要登记的问题" in bad.content.decode()
    client.post(reverse("party:talk_problem", args=[talk.pk]), {"problem_title": "发言不积极",
                                                                "problem_category": "party"})
    talk.refresh_from_db()
    assert talk.problem.title == "发言不积极"


def test_editing_a_talk_changes_its_participants(branch: Any, client_for: Any, add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 3)
    client = client_for(branch.users.secretary)
    page = client.get(reverse("party:talk_edit", args=[talk.pk])).content.decode()
    assert 'value="谈心谈话"' in page
    response = client.post(reverse("party:talk_edit", args=[talk.pk]),
                           _form(branch, topic="改后主题", talked_to=[branch.full[5].pk]))
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.topic == "改后主题"
    assert list(talk.participants.filter(role="talked").values_list("member_id", flat=True)) == [branch.full[5].pk]


def test_the_list_filters_by_kind_and_member_and_counts_person_times(branch: Any, client_for: Any, reviewer: Any,
                                                                    add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1, 2, topic="集体谈心")
    add_talk(0, 4, kind=TalkKind.INTEGRITY, topic="节前廉政谈话")
    client = client_for(reviewer)
    body = client.get(reverse("party:talk_list")).content.decode()
    assert "集体谈心" in body and "节前廉政谈话" in body
    assert "合计 3 人次" in body and "谈心谈话 2 人次" in body and "廉政谈话 1 人次" in body
    filtered = client.get(reverse("party:talk_list"), {"kind": TalkKind.INTEGRITY},
                          headers={"HX-Request": "true"}).content.decode()
    assert "节前廉政谈话" in filtered and "集体谈心" not in filtered and "<html" not in filtered
    by_member = client.get(reverse("party:talk_list"), {"member": branch.full[2].pk}).content.decode()
    assert "集体谈心" in by_member and "节前廉政谈话" not in by_member


def test_the_coverage_page_shows_the_matrix_and_the_gaps(branch: Any, client_for: Any,
                                                         add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1)
    body = client_for(branch.users.member).get(reverse("party:talk_coverage", args=[branch.branch.pk]),
                                               {"year": TODAY.year}).content.decode()
    assert "覆盖 1 / 36 对（2.8%）" in body
    assert 'title="已谈">✓' in body and "支委之间 1/3" in body
    assert "尚未谈话的党员（35 对）" in body


def test_members_may_read_but_not_record_talks(branch: Any, client_for: Any, add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 6)  # the member persona (full[6]) took part: they may read it
    client = client_for(branch.users.member)
    assert client.get(reverse("party:talk_detail", args=[talk.pk])).status_code == 200
    assert client.get(f"{reverse('party:talk_create')}?branch={branch.branch.pk}").status_code == 404
    assert client.post(reverse("party:talk_edit", args=[talk.pk]), _form(branch)).status_code == 404


def test_another_branchs_secretary_and_outsiders_get_404(branch: Any, other_branch: Any, outsider: Any,  # noqa: F811
                                                          liaison: Any, client_for: Any, add_talk: Any) -> None:  # noqa: F811
    talk = add_talk(0, 1, topic="教育局支部谈话")
    own = add_talk(0, 1, on=other_branch, topic="卫健支部谈话")
    stranger = client_for(other_branch.secretary_user)
    assert stranger.get(reverse("party:talk_detail", args=[talk.pk])).status_code == 404
    assert stranger.get(reverse("party:talk_edit", args=[talk.pk])).status_code == 404
    assert stranger.get(reverse("party:talk_coverage", args=[branch.branch.pk])).status_code == 404
    assert stranger.get(f"{reverse('party:talk_create')}?branch={branch.branch.pk}").status_code == 404
    body = stranger.get(reverse("party:talk_list")).content.decode()
    assert "卫健支部谈话" in body and "教育局支部谈话" not in body
    assert stranger.get(reverse("party:talk_detail", args=[own.pk])).status_code == 200
    for user in (outsider, liaison):
        assert client_for(user).get(reverse("party:talk_detail", args=[talk.pk])).status_code == 404
        assert client_for(user).get(reverse("party:talk_list")).status_code == 404


def test_a_member_reads_only_the_talks_they_took_part_in(
        branch: Any, member: Any, secretary: Any, reviewer: Any, add_talk: Any, client_for: Any) -> None:  # noqa: F811
    # The `member` persona is branch.full[6]; the secretary talks with two others, then with them.
    others = add_talk(branch.secretary, branch.full[1], branch.full[2])
    own = add_talk(branch.secretary, branch.full[6])
    from bianban.party.talks.selectors import talks_for_user

    assert set(talks_for_user(member)) == {own}
    assert set(talks_for_user(secretary)) == {others, own}
    assert set(talks_for_user(reviewer)) == {others, own}
    assert client_for(member).get(f"/party/talks/{others.pk}/").status_code == 404
    assert client_for(member).get(f"/party/talks/{own.pk}/").status_code == 200


def test_the_secretary_reads_the_problem_of_a_talk_but_not_the_offices_ledger(
        branch: Any, client_for: Any, staff: Any) -> None:
    from bianban.ledger.services import problem_create

    url = f"{reverse('party:talk_create')}?branch={branch.branch.pk}"
    client_for(branch.users.secretary).post(url, _form(branch, open_problem="on", problem_title="学习笔记不全"))
    office = problem_create(actor=staff, source="manual", title="编制台账问题", unit=branch.branch.unit)
    talk_problem = Problem.objects.get(title="学习笔记不全")
    secretary = client_for(branch.users.secretary)
    assert secretary.get(f"/ledger/{talk_problem.pk}/").status_code == 200
    assert secretary.get(f"/ledger/{office.pk}/").status_code == 404
    listing = secretary.get("/ledger/").content.decode()
    assert "学习笔记不全" in listing and "编制台账问题" not in listing
