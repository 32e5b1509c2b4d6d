"""`bianban synth`: a province-scale synthetic establishment register, for benchmarks.

`register_synthesize(actor=…, units=N, people=M, seed=S)` builds, deterministically from `random.Random(S)`:

- N units in a tree: the province government → its departments and the cities' governments → their
  departments and the districts' (and counties') governments → their departments and street offices →
  the institutions (事业单位, some 参公) under the departments, with kinds, institution classes, ranks, system
  categories, valid 统一社会信用代码 and the materialised `path`/`depth` the units app maintains ("/1/7/42/");
- each unit's quota lines as the staffing rules allow them (rules.ALLOWED_KINDS: 机关 行政/政法专项/工勤编制 with
  funding "—", 事业单位 事业编制 with a funding form), each approved by one 核定 (SET) movement, so that
  approved == the sum of the journal's deltas; leadership posts (正职 1, 副职 1–6) per unit;
- M persons with valid 公民身份号码 (GB 11643 check character), sex and birth date agreeing with the number,
  statutory retirement month (people.retirement) after today, and each one active on-quota placement, spread
  over the lines so that occupied ≤ approved everywhere; `occupied` equals the active placements of the line,
  `reserved` is 0, posts' `filled` equals the placements holding them.

Why this is not a service in the usual sense (house rule: every write goes through a service that writes an
AuditEvent per change): a million 入编 through `placement_enrol` take an hour; this is bulk system work on a
database meant for benchmarks. It writes the register's own tables directly — `bulk_create` for the tens of
thousands of units, lines, movements and posts, and plain `executemany` through Django's connection for the
million persons and placements (the ORM's model instances cost more than the insert itself there) — in one
transaction per table chunk, and records the whole run as ONE AuditEvent "synth.generate" with the counts and
the seed. It writes no UnitEvent (沿革) rows and no divisions, charters or approvals. Nothing here runs on a
database that already has units unless `force=True`; a run that is interrupted leaves a partial register
(start again on a fresh database).

No bulk-load PRAGMAs: journal mode (WAL), `synchronous=FULL` and the page cache stay as settings.py configures
them. Commits are few and large, so durability costs little; raising the cache from the configured 64 MiB to
256 MiB while loading was measured and gained nothing (46.0 s against 45.8 s for 20,000 units / 1,000,000
people).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from bianban.bench.persons import PERSON_COLUMNS, PLACEMENT_COLUMNS, PeopleMaker, people_rows, unplaced_rows
from bianban.bench.plan import CITY, plan_lines, plan_posts, plan_tree, uscc_for
from bianban.core.audit import audit
from bianban.core.exceptions import ValidationFailed
from bianban.core.validators import PROVINCE_PREFIXES
from bianban.people.models import Person
from bianban.staffing.choices import Enforcement, MovementType
from bianban.staffing.models import Placement, PostQuota, QuotaLine, QuotaMovement
from bianban.units.models import Unit

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

    def counts(self) -> dict[str, int]:
        return {"units": self.units, "lines": self.lines, "movements": self.movements, "posts": self.posts,
                "people": self.people, "placements": self.placements}


# --- writing ------------------------------------------------------------------------------------------------


def _next_pk(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _executemany(model: Any, columns: tuple[str, ...], rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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

    # Plan the tree and the lines first (pure Python, deterministic), then write.
    taken_roots = set(Unit.objects.filter(parent__isnull=True).values_list("name", flat=True)) if appending else set()
    tree = plan_tree(rng, units, _next_pk(Unit), taken_roots)
    lines = plan_lines(rng, tree, people, _next_pk(QuotaLine))
    province_code = HOME_PROVINCES[rng.randrange(len(HOME_PROVINCES))]
    region = f"{province_code}0000"
    taken_uscc = set(Unit.objects.exclude(uscc="").values_list("uscc", flat=True)) if appending else set()
    timings["plan"] = time.perf_counter() - started

    mark = time.perf_counter()
    unit_objects = []
    for plan in tree:
        code = uscc_for(plan, region)
        unit_objects.append(Unit(
            pk=plan.pk, name=plan.name, kind=plan.kind, institution_class=plan.institution_class,
            rank=plan.rank, system_category=plan.system, parent_id=plan.parent.pk if plan.parent else None,
            path=plan.path, depth=plan.depth, sort_order=plan.sort_order,
            uscc="" if code in taken_uscc else code, established_on=plan.established_on,
            document_no=f"{plan.abbr}〔{plan.established_on.year}〕{plan.pk % 997 + 1}号",
        ))
    _bulk(Unit, unit_objects, progress, "机构")
    del unit_objects
    timings["units"] = time.perf_counter() - mark

    mark = time.perf_counter()
    config = settings.BIANBAN
    line_objects, movement_objects = [], []
    first_movement = _next_pk(QuotaMovement)
    for i, line in enumerate(lines):
        unit = line.unit
        line.document_no = f"{unit.abbr}〔{unit.established_on.year}〕{unit.pk % 997 + 1}号"
        line_objects.append(QuotaLine(
            pk=line.pk, unit_id=unit.pk, kind=line.kind, funding=line.funding, approved=line.approved,
            occupied=line.occupied, reserved=0, approved_since=unit.established_on,
            enforcement=config["QUOTA_ENFORCEMENT"].get(line.kind, Enforcement.BLOCK),
            requires_approval=config["QUOTA_REQUIRES_APPROVAL"],
        ))
        movement_objects.append(QuotaMovement(
            pk=first_movement + i, line_id=line.pk, type=MovementType.SET, delta=line.approved,
            approved_after=line.approved, document_no=line.document_no, effective_on=unit.established_on,
            reason="核定编制（合成数据）",
        ))
    _bulk(QuotaLine, line_objects, progress, "编制")
    _bulk(QuotaMovement, movement_objects, progress, "编制变动")
    del line_objects, movement_objects

    post_objects, holders = plan_posts(rng, tree, lines, _next_pk(PostQuota))
    _bulk(PostQuota, post_objects, progress, "领导职数")
    timings["lines"] = time.perf_counter() - mark

    mark = time.perf_counter()
    taken_ids = _taken_id_bodies() if appending else set()
    natives = [u.name.removesuffix("人民政府") for u in tree if u.name.endswith("人民政府") and u.level == CITY]
    maker = PeopleMaker(rng, province_code=province_code, cities=len(natives), taken=taken_ids, today=today,
                        native_places=natives or [tree[0].name.removesuffix("人民政府")])
    rows = people_rows(maker, lines, holders, first_person=_next_pk(Person), first_placement=_next_pk(Placement),
                       stamp=stamp)
    done = 0
    while True:
        chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not chunk:
            break
        with transaction.atomic():
            _executemany(Person, PERSON_COLUMNS, [p for p, _ in chunk])
            _executemany(Placement, PLACEMENT_COLUMNS, [q for _, q in chunk])
        done += len(chunk)
        if progress:
            progress("人员与入编", done, people)
    timings["people"] = time.perf_counter() - mark

    _reset_sequences(Unit, QuotaLine, QuotaMovement, PostQuota, Person, Placement)
    seconds = time.perf_counter() - started
    result = SynthResult(
        seed=seed, units=len(tree), lines=len(lines), movements=len(lines), posts=len(post_objects),
        people=done, placements=done, seconds=seconds, root_id=tree[0].pk, timings=timings,
    )
    with transaction.atomic():
        audit(actor=actor, action="synth.generate", target=None, unit_id=tree[0].pk,
              changes={**{k: [None, v] for k, v in result.counts().items()}, "seed": [None, seed]},
              reason=f"合成基准测试数据：{len(tree):,} 个机构、{done:,} 人，随机种子 {seed}，用时 {seconds:.1f} 秒")
    return result


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
        _executemany(Person, PERSON_COLUMNS, list(unplaced_rows(maker, count=count, first_person=first, stamp=stamp)))
    _reset_sequences(Person)
    return list(range(first, first + count))
