"""Real threads against the real database (SQLite in WAL/IMMEDIATE mode, or PostgreSQL with row locks): the
quota holds under concurrent requests, and crossing transfers neither deadlock nor lose an update."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection

from bianban.staffing import services
from bianban.staffing.history import recomputed_now
from bianban.staffing.models import Placement
from bianban.staffing.rules import QuotaExceeded
from bianban.staffing.tests.helpers import ON, institution_line, people

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(fn, items, workers=10):
    def wrapped(item):
        try:
            return fn(item)
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(wrapped, items))


def test_fifty_concurrent_enrolments_into_five_vacancies_give_five_placements_and_45_conflicts(district):
    line = institution_line(district.school, 5)
    persons = people(50)

    def enrol(person):
        try:
            services.placement_enrol(actor=None, person=person, unit=district.school, kind=line.kind,
                                     funding=line.funding, on=ON, document_no="示编入〔2025〕8号")
            return "enrolled"
        except QuotaExceeded as exc:
            assert exc.code == "over_quota"
            return "over_quota"

    outcomes = run_threads(enrol, persons, workers=16)
    assert outcomes.count("enrolled") == 5
    assert outcomes.count("over_quota") == 45
    line.refresh_from_db()
    state = recomputed_now(line)
    assert line.occupied == state.occupied == 5
    assert Placement.objects.filter(line=line, ended_on__isnull=True).count() == 5


def test_forty_concurrent_crossing_transfers_finish_without_deadlock_or_lost_update(district):
    # Room for everyone on either side, so every transfer must succeed whatever order the threads run in.
    school = institution_line(district.school, 40)
    hospital = institution_line(district.hospital, 40)
    at_school, at_hospital = people(20), people(20)
    placements = [
        services.placement_enrol(actor=None, person=p, unit=unit, kind=line.kind, funding=line.funding, on=ON,
                                 document_no="x")
        for group, unit, line in ((at_school, district.school, school), (at_hospital, district.hospital, hospital))
        for p in group
    ]

    def transfer(placement):
        to_unit = district.hospital if placement.unit_id == district.school.pk else district.school
        services.placement_transfer(actor=None, placement=placement, to_unit=to_unit, kind=school.kind,
                                    funding=school.funding, on=date(2025, 9, 1), document_no="示编调〔2025〕9号")
        return "moved"

    assert run_threads(transfer, placements, workers=8) == ["moved"] * 40
    for line in (school, hospital):
        line.refresh_from_db()
        state = recomputed_now(line)
        assert line.occupied == state.occupied == 20
    assert Placement.objects.filter(ended_on__isnull=True).count() == 40
    assert Placement.objects.filter(ended_on__isnull=False).count() == 40
