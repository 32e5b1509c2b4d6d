"""Loading the demo district through the services, one section at a time.

`plan_demo` draws everything from the fixed seed without touching the database; `load_demo` writes it
through the services (each call its own transaction, audited), section by section: the superuser, the unit
tree with divisions and charters, the persons, the establishment register (staffing.py: quota lines, posts,
approvals, placements), the institutions' registrations (registration.py), the role accounts, the office's Party
branch with its records (party.py: its members are the holders of some demo logins, so it comes after them) and its
duties (duties.py). Later demo sections add a `load_…` function here and a call in `load_demo` before the last
login, which marks a complete load.
"""

import random
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper

from bianban.accounts import services as account_services
from bianban.demo import catalog as c
from bianban.demo.accounts import ACCOUNTS, DEMO_PASSWORD, DemoAccount
from bianban.demo.duties import DutiesTotals, duties_totals, load_duties
from bianban.demo.party import PartyPlan, PartyTotals, load_party, party_totals, plan_party
from bianban.demo.people import PersonSpec, build_people
from bianban.demo.registration import (
    RegistrationTotals,
    load_registration,
    register_new_institutions,
    registration_totals,
)
from bianban.demo.staffing import StaffingPlan, StaffingTotals, load_staffing, plan_staffing, staffing_totals
from bianban.demo.tree import UnitSpec, build_units, select_units
from bianban.people.models import Person
from bianban.people.services import person_create
from bianban.units.choices import UnitKind
from bianban.units.models import Charter, Division, Unit
from bianban.units.services import charter_create, division_create, unit_create

SEED = 20231231
FULL_PEOPLE = 3000
OFFICE_NAME = c.name_of(c.OFFICE_KEY)


class Progress:
    """`机构 57/126` on stderr: rewritten in place on a terminal, every `every` items and at the end otherwise."""

    def __init__(self, stream: TextIO | None, label: str, total: int, every: int = 500) -> None:
        self.stream, self.label, self.total, self.every = stream, label, total, every
        self.count = 0
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self._last = 0.0

    def _emit(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):  # a command's stderr: no added newline, no error colour
            self.stream.write(text, style_func=str, ending="")
        elif self.stream is not None:
            self.stream.write(text)
        if self.stream is not None:
            self.stream.flush()

    def step(self) -> None:
        self.count += 1
        if self.stream is None:
            return
        if self.tty:
            now = time.monotonic()
            if now - self._last > 0.1 or self.count == self.total:
                self._last = now
                self._emit(f"\r{self.label} {self.count}/{self.total}")
        elif self.count % self.every == 0 and self.count != self.total:
            self._emit(f"{self.label} {self.count}/{self.total}\n")

    def done(self) -> None:
        prefix = "\r" if self.tty else ""
        self._emit(f"{prefix}{self.label} {self.count}/{self.total}\n")


@dataclass
class DemoPlan:
    units: list[UnitSpec]
    people: list[PersonSpec]
    accounts: tuple[DemoAccount, ...]
    staffing: StaffingPlan
    party: PartyPlan | None = None  # None: the selection holds too little of 区委编办 for its branch


@dataclass
class DemoResult:
    already_loaded: bool
    complete: bool = True  # False: an earlier load stopped halfway (the last demo login is missing)
    units: int = 0
    check_run: str = ""
    units_by_kind: dict[str, int] = field(default_factory=dict)
    divisions: int = 0
    charters: int = 0
    people: int = 0
    users: int = 0
    staffing: StaffingTotals = field(default_factory=StaffingTotals)
    party: PartyTotals | None = None
    duties: DutiesTotals | None = None
    registration: RegistrationTotals | None = None
    seconds: float = 0.0


def plan_demo(*, seed: int = SEED, units_limit: int | None = None, people: int = FULL_PEOPLE) -> DemoPlan:
    """Everything the demo will write, drawn from `seed` (same seed, same district). `units_limit` keeps the
    first units (the office and the education bureau first) and `people` sets how many persons they get."""
    if units_limit is not None and units_limit < 3:
        raise ValueError("units_limit must be at least 3: the demo accounts need 区委编办 and 区教育局")
    rng = random.Random(seed)
    units = select_units(build_units(rng), units_limit)
    persons = build_people(rng, units, people)
    staffing = plan_staffing(rng, units, persons)
    return DemoPlan(units=units, people=persons, accounts=ACCOUNTS, staffing=staffing,
                    party=plan_party(rng, units, persons, staffing))


def demo_is_loaded() -> bool:
    """The demo is there when 区委编办 is (system check across the whole database, no user scope)."""
    return Unit.objects.filter(parent__isnull=True, name=OFFICE_NAME).exists()


def demo_is_complete() -> bool:
    """The last thing a load writes is the last demo login."""
    return get_user_model().objects.filter(username=ACCOUNTS[-1].username).exists()


def load_superuser(*, account: DemoAccount) -> Any:
    """The superuser, who is then the actor of everything else; reused if an interrupted load left it."""
    existing = get_user_model().objects.filter(username=account.username).first()
    if existing is not None:
        return existing
    return account_services.user_create(actor=None, username=account.username, password=DEMO_PASSWORD,
                                        full_name=account.full_name, is_superuser=True)


def load_units(*, actor: Any, specs: list[UnitSpec], stream: TextIO | None = None) -> dict[str, Unit]:
    """Units (parents first), each with its divisions and current 三定 charter. Returns units by catalog key."""
    units: dict[str, Unit] = {}
    progress = Progress(stream, "机构", len(specs), every=50)
    for spec in specs:
        unit = unit_create(actor=actor, parent=units[spec.parent_key] if spec.parent_key else None,
                           **spec.unit_kwargs())
        for d in spec.divisions:
            division_create(actor=actor, unit=unit, name=d.name, rank=d.rank, functions=d.functions,
                            sort_order=d.sort_order, established_on=d.established_on, document_no=d.document_no)
        ch = spec.charter
        charter_create(actor=actor, unit=unit, title=ch.title, document_no=ch.document_no, issued_on=ch.issued_on,
                       effective_on=ch.effective_on, functions=ch.functions, divisions=list(ch.divisions),
                       quota=list(ch.quota), posts=list(ch.posts), note=ch.note)
        units[spec.key] = unit
        progress.step()
    progress.done()
    return units


def load_people(*, actor: Any, specs: list[PersonSpec], units: dict[str, Unit],
                stream: TextIO | None = None) -> dict[str, Person]:
    """The persons, each in their unit. Returns them by ID number."""
    persons: dict[str, Person] = {}
    progress = Progress(stream, "人员", len(specs))
    for spec in specs:
        persons[spec.id_number] = person_create(actor=actor, unit=units[spec.unit_key], **spec.person_kwargs())
        progress.step()
    progress.done()
    return persons


def load_register(*, actor: Any, plan: StaffingPlan, units: dict[str, Unit], people: dict[str, Person],
                  stream: TextIO | None = None) -> None:
    """Quota lines, leadership posts, approvals and a placement for everyone (staffing.py)."""
    progress = Progress(stream, "入编", len(plan.enrolments))
    load_staffing(actor=actor, plan=plan, units=units, people=people, progress=progress)
    progress.done()


def load_verification(*, actor: Any) -> Any:
    """A first verification run over the whole register, so the ledger starts with what the office would find
    (the deliberate problems of staffing.py) and the next run has one to compare with."""
    from bianban.checks.services import check_run_execute, check_run_request

    run = check_run_request(actor=actor)
    return check_run_execute(run_id=run.pk)


def load_accounts(*, actor: Any, accounts: tuple[DemoAccount, ...], units: dict[str, Unit]) -> int:
    """One login per role (the superuser exists already), with its grant."""
    created = 0
    for account in accounts:
        if account.role is None:
            continue
        unit = units[account.scope_key] if account.scope_key else None
        account_services.user_create_with_grants(
            actor=actor, username=account.username, password=DEMO_PASSWORD, full_name=account.full_name,
            grants=[(role, unit) for role in account.roles],
        )
        created += 1
    return created


def demo_totals() -> DemoResult:
    """What the database holds now (the whole database: this is a system summary, not a user's view)."""
    from bianban.checks.models import CheckRun

    by_kind = {label: Unit.objects.filter(kind=value).count() for value, label in UnitKind.choices}
    latest = CheckRun.objects.filter(status="done").order_by("-finished_at", "-pk").first()
    return DemoResult(
        already_loaded=True, units=sum(by_kind.values()), units_by_kind=by_kind,
        check_run=f"核查 #{latest.pk}（基准日 {latest.as_of:%Y-%m-%d}）：{latest.message}" if latest else "",
        divisions=Division.objects.count(), charters=Charter.objects.filter(is_current=True).count(),
        people=Person.objects.count(), users=get_user_model().objects.count(), staffing=staffing_totals(),
        party=party_totals(), duties=duties_totals(), registration=registration_totals(),
    )


def load_demo(*, seed: int = SEED, units_limit: int | None = None, people: int = FULL_PEOPLE,
              stream: TextIO | None = None) -> DemoResult:
    """Load 示例区 unless it is already there (then only report what is there). Progress goes to `stream`."""
    if demo_is_loaded():
        result = demo_totals()
        result.complete = demo_is_complete()
        return result
    started = time.monotonic()
    plan = plan_demo(seed=seed, units_limit=units_limit, people=people)
    superuser = next(a for a in plan.accounts if a.role is None)
    admin = load_superuser(account=superuser)
    units = load_units(actor=admin, specs=plan.units, stream=stream)
    persons = load_people(actor=admin, specs=plan.people, units=units, stream=stream)
    load_register(actor=admin, plan=plan.staffing, units=units, people=persons, stream=stream)
    # Registered before the first verification, so that it finds only the registration problems set on purpose.
    load_registration(actor=admin)
    load_verification(actor=admin)
    *first, last = plan.accounts
    load_accounts(actor=admin, accounts=tuple(first), units=units)
    if plan.party is not None:
        progress = Progress(stream, "党建", len(plan.party.records.activities) + len(plan.party.records.talks))
        branch = load_party(actor=admin, plan=plan.party, units=units, persons=persons, progress=progress)
        progress.done()
        load_duties(actor=admin, branch=branch, units=units)
    register_new_institutions(actor=admin)  # those the duties set up in 2023
    load_accounts(actor=admin, accounts=(last,), units=units)  # the last login marks a complete load
    result = demo_totals()
    result.already_loaded = False
    result.seconds = time.monotonic() - started
    return result
