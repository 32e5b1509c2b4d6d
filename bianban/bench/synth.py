"""`bianban synth`: a province-scale synthetic establishment register, for benchmarks.

`register_synthesize(actor=…, units=N, people=M, seed=S)` builds, deterministically from `random.Random(S)`:

- N units in a tree: the province government → its departments and the cities' governments → their
  departments and the districts' (and counties') governments → their departments and street offices →
  the institutions (事业单位, some 参公) under the departments, with kinds, institution classes, ranks, system
  categories, valid 统一社会信用代码 and the materialised `path`/`depth` the units app maintains ("/1/7/42/");
- each unit's quota lines as the staffing rules allow them (rules.ALLOWED_KINDS: 机关 行政/政法专项/工勤编制 with
  funding "—", 事业单位 事业编制 with a funding form), each approved by one 核定 (SET) movement (and a 核减 for
  the over-quota ones below), so that approved == the sum of the journal's deltas; leadership posts (正职 1,
  副职 1–6) per unit;
- M persons with valid 公民身份号码 (GB 11643 check character), sex and birth date agreeing with the number,
  statutory retirement month (people.retirement) after this year, and each one active on-quota placement,
  spread over the lines; `occupied` equals the active placements of the line, `reserved` the open approvals'
  unused slots, posts' `filled` the placements holding them;
- a current 三定 charter (version 1; a 事业单位's 机构编制方案) for every unit, stating its lines' approved numbers
  ({"kind", "funding", "count"}) and its posts ([{"level": "unit", "principal", "deputy"}]);
- 用编核准: open approvals reserving 1–3 slots each on lines with room, about half already used for 1–3
  placements (which cite them);
- deliberate problems for verification (defects.py), at these counts for 20,000 units / 1,000,000 people and
  proportionally fewer, at least one of each, for smaller registers:

  | problem | count | rule that finds it |
  |---|---|---|
  | units without any charter (active units) | 100 | no_charter |
  | charters disagreeing with the lines (a count off by 1–3, or a line left out) | 50 | charter_mismatch |
  | lines in warn mode, 1–3 over after a 核减 (a DECREASE after the SET in the journal) | 20 | over_quota |
  | 副职 posts in warn mode, 1–2 more holders than approved | 20 | over_posts |
  | 机关 with a 事业编制 line and no exception document (the line is in their charter) | 10 | mixed_kind |
  | persons past their retirement month (in the three years before 1 January), still on quota | 200 | past_retirement |
  | persons whose ID number has a wrong check character, otherwise valid | 30 | invalid_id |
  | pairs of persons with the same first 17 digits (the second's check character wrong) | 10 | duplicate_id (20) |
  |   … and so also invalid ID numbers | | invalid_id (+10) |
  | small institutions abolished 1–30 months ago, people still placed (~80) | 5 | abolished_unit_placement |
  | open approvals past valid_until, still reserving slots | 50 | expired_approval |
  | valid open approvals (not a problem) | 300 | — |

  Each trips exactly one rule (`Defects.findings()` says what a run as of today must report); everything
  else in the register is clean. Nothing depends on the day it is generated except the approvals' dates
  (relative to today) and the abolition dates.

Why this is not a service in the usual sense (house rule: every write goes through a service that writes an
AuditEvent per change): a million 入编 through `placement_enrol` take an hour; this is bulk system work on a
database meant for benchmarks. It writes the register's own tables directly — `bulk_create` for the tens of
thousands of units, lines, movements, posts, charters and approvals, and plain `executemany` through Django's
connection (COPY on PostgreSQL) for the million persons and placements (the ORM's model instances cost more
than the insert itself there) — in one transaction per table chunk, and records the whole run as ONE
AuditEvent "synth.generate" with the counts, the seed and the planted problems. It writes no UnitEvent (沿革)
rows and no divisions. Nothing here runs on a database that already has units unless `force=True`; a run that
is interrupted leaves a partial register (start again on a fresh database).

On PostgreSQL the sequences are moved past the explicit keys and the tables vacuumed and analysed at the end.
No bulk-load PRAGMAs on SQLite: journal mode (WAL), `synchronous=FULL` and the page cache stay as settings.py
configures them. Commits are few and large, so durability costs little; raising the cache from the configured
64 MiB to 256 MiB while loading was measured and gained nothing (46.0 s against 45.8 s for 20,000 units /
1,000,000 people).
"""

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from bianban.bench.defects import Defects, charter_quota, plan_register
from bianban.bench.persons import PERSON_COLUMNS, PLACEMENT_COLUMNS, PeopleMaker, people_rows, unplaced_rows
from bianban.bench.plan import CITY, LinePlan, UnitPlan, plan_tree, uscc_for
from bianban.core.audit import audit
from bianban.core.exceptions import ValidationFailed
from bianban.core.validators import PROVINCE_PREFIXES
from bianban.people.models import Person
from bianban.registration.choices import AnnualReportStatus, FundingSource
from bianban.registration.models import AnnualReport, Certificate, Registration
from bianban.registration.registrations.validation import valid_until
from bianban.registration.rules import last_due_year
from bianban.staffing.choices import ApprovalStatus, Enforcement, MovementType, PostGrade
from bianban.staffing.models import Approval, Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.units.choices import UnitKind, UnitStatus
from bianban.units.models import Charter, Unit

CHUNK = 50_000  # persons (and their placements) per transaction
BULK = 5_000  # rows per bulk_create batch
MIN_UNITS = 10
MAX_UNITS = 200_000
MAX_PEOPLE = 5_000_000
# Province prefixes a synthetic province may take (not 港澳台).
HOME_PROVINCES = sorted(PROVINCE_PREFIXES - {81, 82, 83})

Progress = Callable[[str, int, int], None]  # (phase label, done, total)


@dataclass(frozen=True)
class SynthResult:
    seed: int
    units: int
    lines: int
    movements: int
    posts: int
    people: int
    placements: int
    seconds: float
    root_id: int
    timings: dict[str, float] = field(default_factory=dict)
    charters: int = 0
    approvals: int = 0
    problems: dict[str, int] = field(default_factory=dict)  # defects.Defects.counts()
    findings: dict[str, int] = field(default_factory=dict)  # what verification must find, per rule

    def counts(self) -> dict[str, int]:
        return {"units": self.units, "lines": self.lines, "movements": self.movements, "posts": self.posts,
                "charters": self.charters, "approvals": self.approvals, "people": self.people,
                "placements": self.placements}


# --- writing ------------------------------------------------------------------------------------------------


def _next_pk(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _insert_rows(model: Any, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Plain rows into the model's table: `executemany` of one prepared INSERT on SQLite, COPY on PostgreSQL
    (measured here, 2,000 units / 100,000 people: 6.3 s for persons and placements against 27.4 s with
    executemany, which sends one statement per row)."""
    qn = connection.ops.quote_name
    table, names = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def _bulk(model: Any, objects: list[Any], progress: Progress | None, label: str) -> None:
    for start in range(0, len(objects), BULK * 4):
        with transaction.atomic():
            model.objects.bulk_create(objects[start:start + BULK * 4], batch_size=BULK)
        if progress:
            progress(label, min(start + BULK * 4, len(objects)), len(objects))


def _taken_id_bodies() -> set[int]:
    """The first 17 digits of every ID number already in the register (new ones must not clash)."""
    return {int(n[:17]) for n in Person.objects.values_list("id_number", flat=True).iterator() if n[:17].isdigit()}


def _reset_sequences(*models: Any) -> None:
    """PostgreSQL's sequences after inserts with explicit keys (SQLite's AUTOINCREMENT follows by itself)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _vacuum_analyze(*models: Any) -> None:
    """PostgreSQL, after the bulk load: planner statistics and the visibility map, as autovacuum gives them to a
    live database a little later, so that what runs next (the verification benchmark) meets the state a
    database is normally in rather than the minute after a load. (On this shared machine the check runs
    measured the same either way within the noise, 2.1–3.3 s; it costs ~1 s at full size.) SQLite keeps no
    statistics unless asked (ANALYZE), and bianban never asks, so nothing to do there."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def validate_size(units: Any, people: Any, seed: Any) -> None:
    for name, value, low, high in (("units", units, MIN_UNITS, MAX_UNITS), ("people", people, 0, MAX_PEOPLE)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationFailed.on(name, "数量应为整数")
        if not low <= value <= high:
            label = "机构数" if name == "units" else "人数"
            raise ValidationFailed.on(name, f"{label}应在 {low:,} 至 {high:,} 之间")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationFailed.on("seed", "随机种子应为整数")


def register_synthesize(*, actor: Any, units: int, people: int, seed: int = 1, force: bool = False,
                        progress: Progress | None = None) -> SynthResult:
    """Generate the register (see the module docstring). Refuses, writing nothing, when the database already
    has units, unless `force`: then the synthetic province is added beside them (new keys after the existing
    ones, ID numbers and credit codes that do not clash)."""
    validate_size(units, people, seed)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    if Unit.objects.exists() and not force:
        count = Unit.objects.count()
        raise ValidationFailed(
            f"数据库中已有 {count:,} 个机构，合成数据只应生成到空数据库中（基准测试专用）；"
            "如确需在现有数据旁追加一个合成省，请加 --force",
            details={"force": ["数据库非空"]},
        )
    rng = random.Random(seed)
    today = timezone.localdate()
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    appending = Unit.objects.exists()

    # Plan the tree, the lines, posts and the deliberate problems first (pure Python, deterministic), then write.
    taken_roots = set(Unit.objects.filter(parent__isnull=True).values_list("name", flat=True)) if appending else set()
    tree = plan_tree(rng, units, _next_pk(Unit), taken_roots)
    plan = plan_register(rng, tree, people, today=today, first_line=_next_pk(QuotaLine),
                         first_post=_next_pk(PostQuota), first_approval=_next_pk(Approval))
    lines, defects = plan.lines, plan.defects
    province_code = HOME_PROVINCES[rng.randrange(len(HOME_PROVINCES))]
    region = f"{province_code}0000"
    taken_uscc = set(Unit.objects.exclude(uscc="").values_list("uscc", flat=True)) if appending else set()
    timings["plan"] = time.perf_counter() - started

    mark = time.perf_counter()
    unit_objects = []
    for unit in tree:
        code = uscc_for(unit, region)
        unit_objects.append(Unit(
            pk=unit.pk, name=unit.name, kind=unit.kind, institution_class=unit.institution_class,
            rank=unit.rank, system_category=unit.system, parent_id=unit.parent.pk if unit.parent else None,
            path=unit.path, depth=unit.depth, sort_order=unit.sort_order,
            uscc="" if code in taken_uscc else code, established_on=unit.established_on,
            document_no=f"{unit.abbr}〔{unit.established_on.year}〕{unit.pk % 997 + 1}号",
            status=UnitStatus.ABOLISHED if unit.abolished_on else UnitStatus.ACTIVE, abolished_on=unit.abolished_on,
        ))
    _bulk(Unit, unit_objects, progress, "机构")
    del unit_objects
    timings["units"] = time.perf_counter() - mark

    mark = time.perf_counter()
    config = settings.BIANBAN
    line_objects, movement_objects = [], []
    next_movement = _next_pk(QuotaMovement)
    for line in lines:
        unit = line.unit
        line.document_no = f"{unit.abbr}〔{unit.established_on.year}〕{unit.pk % 997 + 1}号"
        line_objects.append(QuotaLine(
            pk=line.pk, unit_id=unit.pk, kind=line.kind, funding=line.funding, approved=line.approved,
            occupied=line.occupied, reserved=line.reserved, approved_since=unit.established_on,
            enforcement=line.enforcement or config["QUOTA_ENFORCEMENT"].get(line.kind, Enforcement.BLOCK),
            requires_approval=config["QUOTA_REQUIRES_APPROVAL"],
        ))
        cut, cut_on = defects.over_quota.get(line.pk, (0, None))
        movement_objects.append(QuotaMovement(
            pk=next_movement, line_id=line.pk, type=MovementType.SET, delta=line.approved + cut,
            approved_after=line.approved + cut, document_no=line.document_no, effective_on=unit.established_on,
            reason="核定编制（合成数据）",
        ))
        next_movement += 1
        if cut:  # 超编 after a 核减 below the people already there (warn mode)
            movement_objects.append(QuotaMovement(
                pk=next_movement, line_id=line.pk, type=MovementType.DECREASE, delta=-cut,
                approved_after=line.approved, document_no=f"{unit.abbr}〔{cut_on.year}〕{line.pk % 997 + 1}号",
                effective_on=cut_on, reason="核减编制（合成数据）",
            ))
            next_movement += 1
    _bulk(QuotaLine, line_objects, progress, "编制")
    _bulk(QuotaMovement, movement_objects, progress, "编制变动")
    movements = len(movement_objects)
    del line_objects, movement_objects
    _bulk(PostQuota, plan.posts, progress, "领导职数")
    _bulk(Charter, charter_objects(rng, tree, lines, plan.posts, defects), progress, "三定规定")
    _bulk(Approval, [Approval(pk=a.pk, line_id=a.line.pk, count=a.count, used=a.used, document_no=a.document_no,
                              issued_on=a.issued_on, valid_until=a.valid_until, status=ApprovalStatus.OPEN,
                              reason="用编核准（合成数据）") for a in defects.approvals], progress, "用编核准")
    timings["lines"] = time.perf_counter() - mark

    mark = time.perf_counter()
    taken_ids = _taken_id_bodies() if appending else set()
    natives = [u.name.removesuffix("人民政府") for u in tree if u.name.endswith("人民政府") and u.level == CITY]
    maker = PeopleMaker(rng, province_code=province_code, cities=len(natives), taken=taken_ids, today=today,
                        native_places=natives or [tree[0].name.removesuffix("人民政府")])
    rows = people_rows(maker, lines, plan.holders, first_person=_next_pk(Person), first_placement=_next_pk(Placement),
                       stamp=stamp, marks=defects.marks(), twins=defects.twins, approvals=defects.approvals)
    done = 0
    while True:
        chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not chunk:
            break
        with transaction.atomic():
            _insert_rows(Person, PERSON_COLUMNS, [p for p, _ in chunk])
            _insert_rows(Placement, PLACEMENT_COLUMNS, [q for _, q in chunk])
        done += len(chunk)
        if progress:
            progress("人员与入编", done, people)
    timings["people"] = time.perf_counter() - mark

    mark = time.perf_counter()
    registrations, certificates, reports = registration_objects(tree, {u.pk: u.uscc for u in Unit.objects.filter(
        pk__in=[t.pk for t in tree], kind=UnitKind.INSTITUTION)}, today)
    _bulk(Registration, registrations, progress, "事业单位登记")
    _bulk(Certificate, certificates, progress, "法人证书")
    _bulk(AnnualReport, reports, progress, "年度报告")
    timings["registrations"] = time.perf_counter() - mark

    models = (Unit, QuotaLine, QuotaMovement, PostQuota, Charter, Approval, Person, Placement, Registration,
              Certificate, AnnualReport)
    _reset_sequences(*models)
    mark = time.perf_counter()
    _vacuum_analyze(*models)
    timings["analyze"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    result = SynthResult(
        seed=seed, units=len(tree), lines=len(lines), movements=movements, posts=len(plan.posts),
        people=done, placements=done, seconds=seconds, root_id=tree[0].pk, timings=timings,
        charters=len(tree) - len(defects.no_charter), approvals=len(defects.approvals),
        problems=defects.counts(), findings=defects.findings(),
    )
    with transaction.atomic():
        audit(actor=actor, action="synth.generate", target=None, unit_id=tree[0].pk,
              changes={**{k: [None, v] for k, v in result.counts().items()}, "seed": [None, seed],
                       "problems": [None, result.problems]},
              reason=f"合成基准测试数据：{len(tree):,} 个机构、{done:,} 人，随机种子 {seed}，用时 {seconds:.1f} 秒")
    return result


def registration_objects(tree: list[UnitPlan], codes: dict[int, str], today: date,
                         ) -> tuple[list[Registration], list[Certificate], list[AnnualReport]]:
    """Every active institution registered as the unit register says (name, 举办单位 = its 主管部门), with a
    current certificate and the last due 年度报告 published, so the registration rules find nothing planted here
    (the demo and the tests plant those); a synthetic province registers like a tidy one."""
    registrations, certificates, reports = [], [], []
    next_registration, next_certificate, next_report = (_next_pk(m) for m in (Registration, Certificate, AnnualReport))
    years = settings.BIANBAN["REGISTRATION"]["CERTIFICATE_YEARS"]  # a certificate issued in the last years is current
    due_year = last_due_year(today)
    for unit in tree:
        code = codes.get(unit.pk, "")
        if unit.kind != UnitKind.INSTITUTION or unit.abolished_on or not code.startswith("12"):
            continue
        registered_on = unit.established_on
        registrations.append(Registration(
            pk=next_registration, unit_id=unit.pk, uscc=code, name=unit.name, purpose=f"{unit.name}相关公益服务",
            address=f"{unit.parent.name if unit.parent else unit.name}驻地", legal_representative=f"法人{unit.pk}",
            capital=Decimal(10 + unit.pk % 490), funding_source=FundingSource.FULL,
            sponsor_id=unit.parent.pk if unit.parent else unit.pk,
            authority=settings.BIANBAN["REGISTRATION"]["AUTHORITY"], registered_on=registered_on))
        issued = max(registered_on, today - timedelta(days=30 + unit.pk % (365 * (years - 1))))
        certificates.append(Certificate(
            pk=next_certificate, registration_id=next_registration, number=f"事证第{unit.pk:012d}号",
            issued_on=issued, valid_from=issued, valid_until=valid_until(issued)))
        if registered_on.year <= due_year:
            reports.append(AnnualReport(
                pk=next_report, registration_id=next_registration, year=due_year, status=AnnualReportStatus.PUBLISHED,
                business_activities="按宗旨和业务范围开展业务活动", submitted_on=date(due_year + 1, 3, 1),
                sponsor_reviewed_on=date(due_year + 1, 3, 5), published_on=date(due_year + 1, 3, 20)))
            next_report += 1
        next_registration += 1
        next_certificate += 1
    return registrations, certificates, reports


def charter_objects(rng: random.Random, tree: list[UnitPlan], lines: list[LinePlan], posts: list[PostQuota],
                    defects: Defects) -> list[Charter]:
    """Version 1 of every unit's 三定 (a 事业单位's 机构编制方案), issued within three years of its establishment,
    stating its lines' approved numbers and its posts, except where defects.py says otherwise."""
    lines_of: dict[int, list[LinePlan]] = {}
    for line in lines:
        lines_of.setdefault(line.unit.pk, []).append(line)
    posts_of: dict[int, dict[str, int]] = {}
    for post in posts:
        posts_of.setdefault(post.unit_id, {})[post.grade] = post.approved
    # A unit whose line was cut (the over-quota problem) got its charter after the cut: the charter states the
    # reduced number, and the register agrees with it at every date since.
    cut_on: dict[int, date] = {}
    for line in lines:
        if line.pk in defects.over_quota:
            cut_on[line.unit.pk] = max(cut_on.get(line.unit.pk, date.min), defects.over_quota[line.pk][1])
    charters = []
    for unit in tree:
        if unit.pk in defects.no_charter:
            continue
        issued = unit.established_on + timedelta(days=rng.randrange(30, 1100))
        if unit.pk in cut_on:
            issued = max(issued, cut_on[unit.pk] + timedelta(days=1))
        effective = issued + timedelta(days=rng.randrange(0, 16))
        organ = unit.kind in (UnitKind.ORGAN, UnitKind.MASS_ORG)
        held = posts_of.get(unit.pk, {})
        charters.append(Charter(
            unit_id=unit.pk, version=1, is_current=True, issued_on=issued, effective_on=effective,
            title=f"{unit.name}{'职能配置、内设机构和人员编制规定' if organ else '机构编制方案'}",
            document_no=f"{unit.abbr}发〔{issued.year}〕{unit.pk % 89 + 1}号",
            quota=charter_quota(lines_of.get(unit.pk, []), defects.charter_mismatch.get(unit.pk)),
            posts=[{"level": "unit", "principal": held.get(PostGrade.PRINCIPAL, 0),
                    "deputy": held.get(PostGrade.DEPUTY, 0)}],
        ))
    return charters


def people_insert_unplaced(*, count: int, seed: int) -> list[int]:
    """`count` new persons with valid, unused ID numbers and no unit or placement, in one transaction (system
    work preparing a benchmark's 入编); returns their ids in order."""
    rng = random.Random(f"unplaced-{seed}")
    today = timezone.localdate()
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    maker = PeopleMaker(rng, province_code=HOME_PROVINCES[seed % len(HOME_PROVINCES)], cities=4,
                        taken=_taken_id_bodies(), today=today, native_places=["本省"])
    first = _next_pk(Person)
    with transaction.atomic():
        _insert_rows(Person, PERSON_COLUMNS, list(unplaced_rows(maker, count=count, first_person=first, stamp=stamp)))
    _reset_sequences(Person)
    return list(range(first, first + count))
