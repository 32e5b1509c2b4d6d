"""Random sequences of movements, approvals, enrolments, releases and transfers: after every step the counters
equal a recomputation from the journal and placements, and no block-mode line is over its quota."""

import contextlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bianban.core.exceptions import DomainError
from bianban.staffing import services
from bianban.staffing.choices import ApprovalStatus, Enforcement, ReleaseReason
from bianban.staffing.history import lines_as_of, recomputed_now
from bianban.staffing.models import Approval, Placement, QuotaLine
from bianban.staffing.tests.helpers import people
from bianban.units.choices import Funding, QuotaKind, UnitKind
from bianban.units.services import unit_create

START = date(2024, 1, 1)
_machines = iter(range(10**6))


class RegisterMachine(RuleBasedStateMachine):
    """Two units with one 事业编制 line each (one may switch to warn mode); a pool of persons; dates advance."""

    @initialize()
    def set_up(self):
        n = next(_machines)
        self.units = [unit_create(actor=None, name=f"状态机单位{n}-{i}", kind=UnitKind.INSTITUTION) for i in range(2)]
        self.day = START
        for unit in self.units:
            services.quota_movement_create(actor=None, unit=unit, kind=QuotaKind.INSTITUTION, funding=Funding.FULL,
                                           type="SET", amount=2, document_no="初始", effective_on=self.day)
        self.lines = list(QuotaLine.objects.filter(unit__in=self.units).order_by("pk"))
        self.persons = people(8)
        self.history: list[tuple[date, dict[int, tuple[int, int, int]]]] = []

    def _tick(self, days):
        self.day = min(self.day + timedelta(days=days), date.today())

    def _try(self, fn, **kwargs):
        with contextlib.suppress(DomainError):  # refused with a message: the invariants must still hold
            fn(**kwargs)

    @rule(i=st.integers(0, 1), type_=st.sampled_from(["INCREASE", "DECREASE", "SET", "WITHDRAW"]),
          amount=st.integers(0, 3), days=st.integers(0, 20))
    def move(self, i, type_, amount, days):
        self._tick(days)
        self._try(services.quota_movement_create, actor=None, unit=self.units[i], kind=QuotaKind.INSTITUTION,
                  funding=Funding.FULL, type=type_, amount=amount, document_no="变动", effective_on=self.day)

    @rule(i=st.integers(0, 1), amount=st.integers(1, 2), days=st.integers(0, 20))
    def transfer_quota(self, i, amount, days):
        self._tick(days)
        self._try(services.quota_movement_create, actor=None, unit=self.units[i], kind=QuotaKind.INSTITUTION,
                  funding=Funding.FULL, type="TRANSFER", amount=amount, document_no="划转", effective_on=self.day,
                  to_unit=self.units[1 - i])

    @rule(i=st.integers(0, 1), count=st.integers(1, 2), days=st.integers(0, 20), valid=st.integers(0, 60))
    def approve(self, i, count, days, valid):
        self._tick(days)
        self._try(services.approval_create, actor=None, unit=self.units[i], kind=QuotaKind.INSTITUTION,
                  funding=Funding.FULL, count=count, document_no="核准", issued_on=self.day,
                  valid_until=self.day + timedelta(days=valid))

    @rule(p=st.integers(0, 7), i=st.integers(0, 1), use_approval=st.booleans(), days=st.integers(0, 20))
    def enrol(self, p, i, use_approval, days):
        self._tick(days)
        approval = None
        if use_approval:
            approval = Approval.objects.filter(line=self.lines[i], status=ApprovalStatus.OPEN).first()
        self._try(services.placement_enrol, actor=None, person=self.persons[p], unit=self.units[i],
                  kind=QuotaKind.INSTITUTION, funding=Funding.FULL, on=self.day, document_no="入编", approval=approval,
                  over_quota_reason="过渡")

    @rule(p=st.integers(0, 7), days=st.integers(0, 20))
    def release(self, p, days):
        self._tick(days)
        placement = Placement.objects.filter(person=self.persons[p], ended_on__isnull=True).first()
        if placement:
            self._try(services.placement_release, actor=None, placement=placement, reason=ReleaseReason.RESIGNATION,
                      on=self.day, document_no="出编")

    @rule(p=st.integers(0, 7), days=st.integers(0, 20))
    def transfer(self, p, days):
        self._tick(days)
        placement = Placement.objects.filter(person=self.persons[p], ended_on__isnull=True, on_quota=True).first()
        if placement:
            to_unit = self.units[1] if placement.unit_id == self.units[0].pk else self.units[0]
            self._try(services.placement_transfer, actor=None, placement=placement, to_unit=to_unit,
                      kind=QuotaKind.INSTITUTION, funding=Funding.FULL, on=self.day, document_no="调动",
                      over_quota_reason="过渡")

    @rule(days=st.integers(0, 40))
    def expire(self, days):
        self._tick(days)
        services.approvals_expire_due(on=self.day)

    @precondition(lambda self: hasattr(self, "lines"))
    @rule(reason=st.sampled_from(["", "编委会同意过渡"]))
    def switch_second_line_to_warn(self, reason):
        self._try(services.quota_line_configure, actor=None, line=self.lines[1], enforcement=Enforcement.WARN,
                  reason=reason)

    @invariant()
    def counters_equal_the_journal_and_block_lines_are_never_over(self):
        if not hasattr(self, "lines"):
            return
        snapshot = {}
        for line in QuotaLine.objects.filter(pk__in=[x.pk for x in self.lines]):
            state = recomputed_now(line)
            assert (line.approved, line.occupied, line.reserved) == (state.approved, state.occupied, state.reserved)
            if line.enforcement == Enforcement.BLOCK:
                assert line.occupied + line.reserved <= line.approved
            snapshot[line.pk] = (line.approved, line.occupied, line.reserved)
        self.history.append((self.day, snapshot))

    def teardown(self):
        # The state at every date seen is what the journal rebuilds for that date (as-of truth). Only the last
        # snapshot of each day counts: several steps may share a date.
        if not hasattr(self, "lines"):
            return
        last_of_day = {day: snap for day, snap in self.history}
        for day, snap in last_of_day.items():
            states = lines_as_of(self.lines, day)
            assert {pk: (s.approved, s.occupied, s.reserved) for pk, s in states.items()} == snap


TestRegisterMachine = RegisterMachine.TestCase
TestRegisterMachine.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TestRegisterMachine = pytest.mark.django_db(TestRegisterMachine)
