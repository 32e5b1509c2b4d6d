"""Reads of visit campaigns and visits, scoped to the user through the branch's unit (access.branches_for_user),
and the masking of visited households' family circumstances (personal data)."""

from typing import Any

from django.db.models import QuerySet

from bianban.accounts.choices import Perm
from bianban.accounts.scoping import unit_allows
from bianban.core.exceptions import NotFound
from bianban.duties.choices import VisitGroup, VisitorRole
from bianban.duties.models import Visit, VisitCampaign, VisitIssue
from bianban.party.access import branches_for_user
from bianban.party.models import Branch, Member

MASK = "***"


def campaigns_for_user(user: Any, *, branch: Branch | int | None = None, year: int | None = None,
                       perm: str = Perm.PARTY_VIEW) -> QuerySet[VisitCampaign]:
    """Campaigns of the branches the user may `perm`; `year` takes the campaigns under way in that year."""
    qs = VisitCampaign.objects.filter(branch__in=branches_for_user(user, perm).values("pk"))
    if branch is not None:
        qs = qs.filter(branch=branch)
    if year:
        qs = qs.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    return qs.select_related("branch__unit").order_by("-starts_on", "-pk")


def campaign_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> VisitCampaign:
    campaign = campaigns_for_user(user, perm=perm).filter(pk=pk).first()
    if campaign is None:
        raise NotFound("走访活动不存在或无权访问")
    return campaign


def visits_for_user(user: Any, *, campaign: VisitCampaign | int | None = None, branch: Branch | int | None = None,
                    street: str = "", team_role: str = "", group: str = "",
                    perm: str = Perm.PARTY_VIEW) -> QuerySet[Visit]:
    """Visits of the user's branches, filtered; unknown roles and groups match nothing."""
    qs = Visit.objects.filter(campaign__branch__in=branches_for_user(user, perm).values("pk"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if branch is not None:
        qs = qs.filter(campaign__branch=branch)
    if street:
        qs = qs.filter(street=street)
    if team_role:
        qs = qs.filter(team_role=team_role) if team_role in VisitorRole.values else qs.none()
    if group:
        qs = qs.filter(group=group) if group in VisitGroup.values else qs.none()
    return (qs.select_related("campaign__branch__unit")
            .prefetch_related("visitors__member__person", "issues__problem")
            .order_by("-visited_on", "-pk"))


def visit_get_for_user(user: Any, pk: int, perm: str = Perm.PARTY_VIEW) -> Visit:
    visit = visits_for_user(user, perm=perm).select_related("created_by").filter(pk=pk).first()
    if visit is None:
        raise NotFound("走访记录不存在或无权访问")
    return visit


def issue_get_for_user(user: Any, pk: int) -> VisitIssue:
    issue = VisitIssue.objects.filter(
        pk=pk, visit__campaign__branch__in=branches_for_user(user).values("pk")).select_related("visit").first()
    if issue is None:
        raise NotFound("走访收集的问题不存在或无权访问")
    return issue


def issues_of(campaign: VisitCampaign) -> QuerySet[VisitIssue]:
    """What the campaign's visits collected, newest visit first, with the ledger problem each became."""
    return (VisitIssue.objects.filter(visit__campaign=campaign).select_related("visit", "problem")
            .order_by("-visit__visited_on", "-visit_id", "pk"))


def streets_of(campaign: VisitCampaign) -> list[str]:
    """The streets the campaign's visits went to (the street filter's choices)."""
    return sorted(set(campaign.visits.values_list("street", flat=True)))


def campaign_years(branch: Branch) -> list[int]:
    """Years in which the branch had a campaign under way, newest first."""
    years: set[int] = set()
    for starts_on, ends_on in VisitCampaign.objects.filter(branch=branch).values_list("starts_on", "ends_on"):
        years.update(range(starts_on.year, ends_on.year + 1))
    return sorted(years, reverse=True)


def sees_circumstances(user: Any, branch: Branch) -> bool:
    """Family circumstances of visited households are personal data: only those who keep the branch's records
    (PARTY_CHANGE on its unit) read them; members and reviewers see them masked."""
    return unit_allows(user, Perm.PARTY_CHANGE, branch.unit)


def circumstances_for(user_sees: bool, visit: Visit) -> str:
    """What a reader is shown of the visit's family circumstances."""
    if user_sees or not visit.circumstances:
        return visit.circumstances
    return MASK


def member_choices(branch: Branch) -> QuerySet[Member]:
    """Members who can be picked as visitors: current ones first, then those who have left (a visit made before
    they left may still be recorded); the service checks the day."""
    from django.db.models import F

    return (Member.objects.filter(branch=branch).select_related("person")
            .order_by(F("left_on").desc(nulls_first=True), "pk"))
