"""Grants become scopes: a role over a unit subtree, or over the whole district, and nothing else."""

import pytest

from bianban.accounts import services
from bianban.accounts.choices import Perm, Role
from bianban.accounts.scoping import has_perm, restrict, unit_allows
from bianban.core.exceptions import ValidationFailed
from bianban.units.models import Unit


def names(qs):
    return {u.name for u in qs}


def test_a_liaison_sees_their_unit_and_everything_below_it(district, liaison):
    assert names(restrict(Unit.objects.all(), liaison, Perm.UNITS_VIEW)) == {"示例区教育局", "示例区第一中学"}


def test_a_grant_without_descendants_covers_one_unit(district):
    user = services.user_create(actor=None, username="narrow", password="Bianban!2026")
    services.grant_create(actor=None, user=user, role=Role.UNIT_LIAISON, unit=district.edu, include_descendants=False)
    assert names(restrict(Unit.objects.all(), user, Perm.UNITS_VIEW)) == {"示例区教育局"}
    assert not unit_allows(user, Perm.UNITS_VIEW, district.school)


def test_grants_add_up(district, liaison):
    services.grant_create(actor=None, user=liaison, role=Role.UNIT_LIAISON, unit=district.hospital)
    assert names(restrict(Unit.objects.all(), liaison, Perm.UNITS_VIEW)) == {
        "示例区教育局", "示例区第一中学", "示例区人民医院",
    }


def test_office_staff_see_the_whole_district(district, staff):
    assert restrict(Unit.objects.all(), staff, Perm.UNITS_VIEW).count() == Unit.objects.count()


def test_party_roles_and_strangers_see_no_register(district, member, secretary, outsider):
    for user in (member, secretary, outsider):
        assert not restrict(Unit.objects.all(), user, Perm.UNITS_VIEW).exists()


def test_a_reviewer_reads_but_neither_changes_nor_sees_personal_data(district, reviewer):
    assert has_perm(reviewer, Perm.UNITS_VIEW)
    assert not has_perm(reviewer, Perm.UNITS_CHANGE)
    assert not has_perm(reviewer, Perm.PEOPLE_VIEW_PII)


def test_a_liaison_may_change_people_but_not_units(district, liaison):
    assert unit_allows(liaison, Perm.PEOPLE_CHANGE, district.school)
    assert not unit_allows(liaison, Perm.UNITS_CHANGE, district.school)
    assert not unit_allows(liaison, Perm.PEOPLE_CHANGE, district.hospital)


def test_a_liaison_grant_needs_a_unit(district):
    user = services.user_create(actor=None, username="nounit", password="Bianban!2026")
    with pytest.raises(ValidationFailed) as exc:
        services.grant_create(actor=None, user=user, role=Role.UNIT_LIAISON, unit=None)
    assert "unit" in exc.value.details


def test_an_inactive_user_has_no_scope(district, staff):
    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    staff.refresh_from_db()
    assert not restrict(Unit.objects.all(), staff, Perm.UNITS_VIEW).exists()


def test_only_office_admins_manage_accounts(district, admin, staff, client_for):
    assert client_for(admin).get("/accounts/users/").status_code == 200
    assert client_for(staff).get("/accounts/users/").status_code == 404


def test_an_admin_grants_a_role_through_the_page(district, admin, outsider, client_for):
    response = client_for(admin).post(
        f"/accounts/users/{outsider.pk}/", {"role": Role.UNIT_LIAISON, "unit": district.health.pk,
                                            "include_descendants": "on"}
    )
    assert response.status_code == 302
    assert unit_allows(type(outsider).objects.get(pk=outsider.pk), Perm.UNITS_VIEW, district.hospital)


def test_the_grant_form_explains_a_liaison_without_unit(district, admin, outsider, client_for):
    response = client_for(admin).post(f"/accounts/users/{outsider.pk}/", {"role": Role.UNIT_LIAISON})
    assert response.status_code == 200
    assert "单位联络员必须指定所联络的单位" in response.content.decode()
