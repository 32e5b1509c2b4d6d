"""Writes of the volunteer area. Volunteer activities themselves are recorded by the party activity services
(party.activities.services.activity_create with kind VOLUNTEER, `service_field` and per-member `service_hours`);
what is left here is the audit of exporting the year's record (it lists named members and their hours)."""

from typing import Any

from django.db import transaction

from bianban.accounts.choices import Perm
from bianban.core.audit import audit
from bianban.party.access import require_branch
from bianban.party.models import Branch


@transaction.atomic(durable=True)
def volunteer_record_export(*, actor: Any, branch: Branch, year: int, count: int) -> None:
    """Record that the actor exported a branch's volunteer record of `year` (`count` activities)."""
    require_branch(actor, branch, perm=Perm.PARTY_VIEW)
    audit(actor=actor, action="volunteer_record.export", target=branch, unit_id=branch.unit_id,
          changes={"year": [None, year], "count": [None, count]})
