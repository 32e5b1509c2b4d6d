import pytest
from django.urls import reverse

from bianban.testing import ScopedAccessContract
from bianban.units import services
from bianban.units.choices import UnitKind
from bianban.units.models import Unit

pytestmark = pytest.mark.django_db


class TestUnitScoping(ScopedAccessContract):
    ui_list = "/units/"
    api_list = "/api/v1/units"

    def make(self, district, unit) -> Unit:
        return services.unit_create(actor=None, name=f"{unit.name}下属中心", kind=UnitKind.INSTITUTION, parent=unit)

    def ui_detail(self, obj) -> str:
        return reverse("units:detail", kwargs={"pk": obj.pk})

    def api_detail(self, obj) -> str:
        return f"/api/v1/units/{obj.pk}"


class TestTheTreeAndSearchAreScoped:
    def test_a_liaisons_tree_starts_at_their_unit(self, district, liaison, client_for):
        html = client_for(liaison).get(reverse("units:list")).content.decode()
        assert "示例区教育局" in html
        assert "示例区卫生健康局" not in html

    def test_a_liaison_gets_404_for_the_children_of_another_unit(self, district, liaison, client_for):
        client = client_for(liaison)
        assert client.get(reverse("units:children", kwargs={"pk": district.health.pk})).status_code == 404
        assert client.get(reverse("units:children", kwargs={"pk": district.edu.pk})).status_code == 200

    def test_a_liaisons_search_finds_nothing_outside_their_scope(self, district, liaison, client_for):
        html = client_for(liaison).get(reverse("units:list"), {"q": "示例区"}).content.decode()
        assert "示例区第一中学" in html
        assert "示例区人民医院" not in html

    def test_a_user_granted_only_a_lower_unit_sees_it_as_a_root(self, district, client_for):
        from bianban.accounts import services as account_services
        from bianban.accounts.choices import Role

        keeper = account_services.user_create_with_grants(
            actor=None, username="school", password="Bianban!2026", grants=[(Role.UNIT_LIAISON, district.school)])
        html = client_for(keeper).get(reverse("units:list")).content.decode()
        assert "示例区第一中学" in html
        assert "示例区教育局</a>" not in html

    def test_people_without_unit_rights_get_404_for_the_unit_pages(self, district, secretary, member, client_for):
        for user in (secretary, member):
            client = client_for(user)
            assert client.get(reverse("units:list")).status_code == 404
            assert client.get(reverse("units:detail", kwargs={"pk": district.edu.pk})).status_code == 404


class TestWritesAreScoped:
    def test_a_liaison_cannot_reach_the_create_edit_or_abolish_pages(self, district, liaison, client_for):
        client = client_for(liaison)
        for name, kwargs in [("units:create", {}), ("units:edit", {"pk": district.edu.pk}),
                             ("units:abolish", {"pk": district.school.pk}),
                             ("units:division_create", {"pk": district.edu.pk}),
                             ("units:charter_create", {"pk": district.edu.pk})]:
            assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
        response = client.post(reverse("units:edit", kwargs={"pk": district.edu.pk}), {"name": "改名"})
        assert response.status_code == 404
        assert Unit.objects.get(pk=district.edu.pk).name == "示例区教育局"

    def test_a_liaison_sees_no_change_buttons(self, district, liaison, client_for):
        html = client_for(liaison).get(reverse("units:detail", kwargs={"pk": district.edu.pk})).content.decode()
        assert reverse("units:edit", kwargs={"pk": district.edu.pk}) not in html
        assert reverse("units:abolish", kwargs={"pk": district.edu.pk}) not in html

    def test_a_reviewer_sees_every_unit_but_no_change_buttons(self, district, reviewer, client_for):
        client = client_for(reviewer)
        response = client.get(reverse("units:detail", kwargs={"pk": district.hospital.pk}))
        assert response.status_code == 200
        html = response.content.decode()
        assert reverse("units:edit", kwargs={"pk": district.hospital.pk}) not in html
        assert reverse("units:division_create", kwargs={"pk": district.hospital.pk}) not in html
        assert "设立机构" not in client.get(reverse("units:list")).content.decode()
        assert client.get(reverse("units:edit", kwargs={"pk": district.hospital.pk})).status_code == 404
        response = client.post(reverse("units:abolish", kwargs={"pk": district.hospital.pk}),
                               {"on": "2024-01-01", "document_no": "x"})
        assert response.status_code == 404
        assert Unit.objects.get(pk=district.hospital.pk).is_active

    def test_subtree_staff_cannot_edit_units_outside_their_subtree(self, district, client_for):
        from bianban.accounts import services as account_services
        from bianban.accounts.choices import Role

        keeper = account_services.user_create_with_grants(
            actor=None, username="keeper", password="Bianban!2026", grants=[(Role.OFFICE_STAFF, district.edu)])
        client = client_for(keeper)
        assert client.get(reverse("units:edit", kwargs={"pk": district.school.pk})).status_code == 200
        assert client.get(reverse("units:edit", kwargs={"pk": district.hospital.pk})).status_code == 404
        assert client.get(reverse("units:create") + f"?parent={district.health.pk}").status_code == 404
