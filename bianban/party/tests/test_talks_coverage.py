from datetime import date
from typing import Any

from django.utils import timezone

from bianban.party.choices import LeaveReason, MemberStatus, TalkKind
from bianban.party.members import services as member_services
from bianban.party.talks.coverage import COMMITTEE, MEMBERS, MIXED
from bianban.party.talks.selectors import talk_coverage
from bianban.party.tests.talks_fixtures import add_talk  # noqa: F401

THIS_YEAR = timezone.localdate().year


def test_every_pair_of_the_years_members_is_required_labelled_by_committee_seats(branch: Any) -> None:
    coverage = talk_coverage(branch.branch, THIS_YEAR)
    assert len(coverage.members) == 9 and coverage.committee_ids == {m.pk for m in branch.full[:3]}
    assert coverage.required == 36 and coverage.covered == 0 and coverage.percent == 0
    assert {c: n["required"] for c, n in coverage.by_category.items()} == {COMMITTEE: 3, MIXED: 18, MEMBERS: 15}
    assert [g.category for g in coverage.gaps[:3]] == [COMMITTEE] * 3
    assert coverage.gaps[0].category_label == "支委之间"


def test_a_heart_to_heart_talk_covers_every_pair_that_took_part_in_it(branch: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 3, 4)
    coverage = talk_coverage(branch.branch, THIS_YEAR)
    assert coverage.covered == 3 and len(coverage.gaps) == 33 and coverage.percent == 8.3
    assert coverage.is_covered(branch.full[3].pk, branch.full[0].pk)
    assert coverage.is_covered(branch.full[3].pk, branch.full[4].pk)
    assert not coverage.is_covered(branch.full[0].pk, branch.full[1].pk)
    assert coverage.by_category[MIXED]["covered"] == 2 and coverage.by_category[MEMBERS]["covered"] == 1


def test_integrity_and_reminder_talks_and_last_years_talks_do_not_count(branch: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1, kind=TalkKind.INTEGRITY)
    add_talk(0, 2, kind=TalkKind.REMINDER)
    add_talk(0, 3, held_on=date(THIS_YEAR - 1, 6, 1))
    assert talk_coverage(branch.branch, THIS_YEAR).covered == 0
    assert talk_coverage(branch.branch, THIS_YEAR - 1).covered == 1


def test_a_branch_where_everyone_talked_is_complete(branch: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, *range(1, 9))
    coverage = talk_coverage(branch.branch, THIS_YEAR)
    assert coverage.complete and coverage.percent == 100.0 and coverage.gaps == []


def test_members_who_never_overlapped_in_the_year_owe_each_other_nothing(branch: Any, make_person: Any) -> None:
    leaver = branch.full[6]
    member_services.member_leave(actor=None, member=leaver, on=date(2025, 3, 1), reason=LeaveReason.TRANSFER_OUT,
                                 destination="市委组织部")
    newcomer = member_services.member_transfer_in(
        actor=None, branch=branch.branch, person=make_person("孙新"), status=MemberStatus.FULL,
        admitted_on=date(2010, 7, 1), full_on=date(2011, 7, 1), joined_on=date(2025, 6, 1), joined_from="市直机关")
    coverage = talk_coverage(branch.branch, 2025)
    ids = {m.pk for m in coverage.members}
    assert leaver.pk in ids and newcomer.pk in ids
    assert not any({g.a.pk, g.b.pk} == {leaver.pk, newcomer.pk} for g in coverage.gaps)
    assert coverage.required == 28 - 1  # 8 members in 2025, less the pair that never met
    assert talk_coverage(branch.branch, 2026).members.count(leaver) == 0


def test_the_matrix_marks_self_covered_gaps_and_pairs_that_never_met(branch: Any, add_talk: Any) -> None:  # noqa: F811
    add_talk(0, 1)
    rows = talk_coverage(branch.branch, THIS_YEAR).matrix()
    first = dict((cell.member.pk, cell.state) for cell in rows[0][1])
    assert rows[0][0] == branch.full[0]
    assert first[branch.full[0].pk] == "self" and first[branch.full[1].pk] == "covered"
    assert first[branch.full[2].pk] == "gap"


def test_coverage_reads_the_branch_in_three_queries(branch: Any, add_talk: Any,  # noqa: F811
                                                    django_assert_num_queries: Any) -> None:
    for i in range(1, 9):
        add_talk(0, i)
    with django_assert_num_queries(3):
        coverage = talk_coverage(branch.branch, THIS_YEAR)
        coverage.matrix()
    assert coverage.covered == 8
