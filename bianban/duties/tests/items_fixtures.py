"""Fixtures of the 责任清单 tests, on top of the shared `branch` (区教育局机关党支部, 9 members; the `secretary` persona
is full[0], the `member` persona full[6]): divisions of 区教育局, a helper adding tasks through the service, helpers
recording the records progress counts (activities and talks through the party services; visits written with the ORM,
their services being another area's), and a second branch for scoping.

Progress tests work in LAST year so that every record is in the past and nothing depends on today's date."""

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bianban.duties.choices import DutyMeasure, VisitGroup, VisitorRole
from bianban.duties.items import services
from bianban.duties.models import DutyItem, Visit, VisitCampaign, VisitVisitor
from bianban.party.activities import services as activity_services
from bianban.party.choices import ActivityKind, TalkKind
from bianban.party.models import Activity, Member, Talk
from bianban.party.talks import services as talk_services
from bianban.party.tests.activities_fixtures import sheet
from bianban.party.tests.talks_fixtures import build_health_branch
from bianban.units.services import division_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LAST_YEAR = timezone.localdate().year - 1
THIS_YEAR = timezone.localdate().year


def pdf(name: str = "总结.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def last_year(month: int, day: int = 15) -> date:
    return date(LAST_YEAR, month, day)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    """Uploaded evidence goes to a temporary folder (autouse where imported)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def divisions(district: SimpleNamespace) -> SimpleNamespace:
    office = division_create(actor=None, unit=district.edu, name="办公室")
    personnel = division_create(actor=None, unit=district.edu, name="人事科")
    return SimpleNamespace(office=office, personnel=personnel)


@pytest.fixture
def make_item(branch: SimpleNamespace) -> Callable[..., DutyItem]:
    """Add a task to the shared branch's list (as the system): a MANUAL task of the secretary deployed in March,
    of last year, unless told otherwise."""

    def make(title: str = "制定年度党建工作计划", *, on: Any = None, **kwargs: Any) -> DutyItem:
        values = {"year": LAST_YEAR, "months": [3], "measure": DutyMeasure.MANUAL}
        if "owner_division" not in kwargs:
            values["owner_member"] = branch.secretary
        values.update(kwargs)
        return services.item_create(actor=None, branch=(on or branch).branch, title=title, **values)

    return make


@pytest.fixture
def seminars(make_item: Callable[..., DutyItem]) -> DutyItem:
    """结合职能职责开展12次专题研讨, deployed every month of last year."""
    return make_item("结合职能职责开展专题研讨", months=list(range(1, 13)), measure=DutyMeasure.ACTIVITIES,
                     activity_kind=ActivityKind.SEMINAR, target_count=12)


@pytest.fixture
def hold(branch: SimpleNamespace) -> Callable[..., Activity]:
    """Record a held activity of the shared branch through the activities service (everyone present)."""

    def make(kind: str, on: date, topic: str = "专题研讨") -> Activity:
        return activity_services.activity_create(actor=None, branch=branch.branch, kind=kind, held_on=on, topic=topic,
                                                 status="held", attendance=sheet(branch.branch, on, kind))

    return make


@pytest.fixture
def talk(branch: SimpleNamespace) -> Callable[..., Talk]:
    """Record a talk through the talks service: `talker` talks with `talked` (members) on `on`."""

    def make(talker: Member, *talked: Member, on: date, kind: str = TalkKind.HEART_TO_HEART) -> Talk:
        return talk_services.talk_create(actor=None, branch=branch.branch, kind=kind, held_on=on, topic="谈心谈话",
                                         talker=talker, talked_to=list(talked))

    return make


@pytest.fixture
def visit(branch: SimpleNamespace) -> Callable[..., Visit]:
    """A visit of a campaign of the shared branch, written with the ORM, with `visitors` (members)."""

    def make(on: date, households: int, *visitors: Member, people: int | None = None) -> Visit:
        campaign, _ = VisitCampaign.objects.get_or_create(
            branch=branch.branch, title=f"{on.year}年集中走访",
            defaults={"starts_on": date(on.year, 1, 1), "ends_on": date(on.year, 12, 31), "scope": "城关街道"})
        record = Visit.objects.create(campaign=campaign, visited_on=on, team_role=VisitorRole.BRANCH_MEMBER,
                                      street="城关街道", community="东门社区", group=VisitGroup.HARDSHIP,
                                      households=households, people=people or households * 2)
        for member in visitors:
            VisitVisitor.objects.create(visit=record, member=member, role=VisitorRole.BRANCH_MEMBER)
        return record

    return make


@pytest.fixture
def health(district: SimpleNamespace, make_person: Any) -> SimpleNamespace:
    return build_health_branch(district, make_person)
