"""person_create / person_update: the ID number rules (domain.md §4), the field rules, scope and audit."""

from datetime import date, timedelta

import pytest
from stdnum.cn import ric

from bianban.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from bianban.core.models import AuditEvent
from bianban.people.choices import PoliticalStatus, RetirementCategory, Sex
from bianban.people.models import Person
from bianban.people.services import person_create, person_update
from bianban.people.tests.factories import PersonFactory, make_id_number

FEMALE_1949 = "11010519491231002X"
MALE_1880 = "440524188001010014"
BAD_CHECKSUM = "320102198001011234"
MALE_1965 = "440524196501010010"  # the male example's region and sequence, born 1965-01-01


def _counts() -> tuple[int, int]:
    return Person.objects.count(), AuditEvent.objects.count()


def _refused(field: str, **kwargs) -> ValidationFailed:
    """Call person_create expecting a refusal on `field`, and prove nothing was written."""
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        person_create(**{"actor": None, "name": "张三", **kwargs})
    assert field in caught.value.details, caught.value.details
    assert _counts() == before
    return caught.value


class TestIdNumbers:
    def test_it_registers_the_standards_female_example(self, district, staff):
        person = person_create(actor=staff, name="李华", id_number=FEMALE_1949, unit=district.edu)
        assert person.sex == Sex.FEMALE
        assert person.birth_date == date(1949, 12, 31)
        assert person.retirement_category == RetirementCategory.FEMALE_55
        assert person.retirement_month == date(2004, 12, 1)

    def test_the_standards_male_example_checks_but_its_1880_birth_is_refused_as_implausible(self, district):
        # GB 11643's appendix example is well-formed (check character 4) and male; core's validator refuses
        # births before 1900, which no one on a staffing register can have.
        assert ric.calc_check_digit(MALE_1880) == "4" and int(MALE_1880[16]) % 2 == 1
        error = _refused("id_number", id_number=MALE_1880)
        assert "出生日期" in error.message and "校验码" not in error.message

    def test_it_registers_a_male_number_and_derives_the_male_category(self, district, staff):
        person = person_create(actor=staff, name="王五", id_number=MALE_1965, unit=district.edu)
        assert person.sex == Sex.MALE
        assert person.birth_date == date(1965, 1, 1)
        assert person.retirement_category == RetirementCategory.MALE_60
        assert person.retirement_month == date(2025, 2, 1)  # domain.md §5.4: 男 1965-01 → 2025-02

    def test_it_accepts_a_lower_case_x_and_stores_it_upper_case(self, district):
        assert person_create(actor=None, name="李华", id_number=FEMALE_1949.lower()).id_number == FEMALE_1949

    def test_it_rejects_a_bad_checksum_naming_the_expected_character(self, district):
        error = _refused("id_number", id_number=BAD_CHECKSUM)
        assert "8" in error.details["id_number"][0]
        assert "校验码" in error.message

    @pytest.mark.parametrize(("number", "words"), [
        ("1101051949123100", "18位"),
        ("11010519491231002A", "格式"),
        ("99010519491231002X", "省级"),
        ("110105194913310021", "出生日期"),
        ("", "请填写"),
    ])
    def test_it_rejects_malformed_numbers(self, district, number, words):
        assert words in _refused("id_number", id_number=number).details["id_number"][0]

    def test_it_upgrades_a_15_digit_number_and_audits_the_upgrade(self, district, staff):
        person = person_create(actor=staff, name="李华", id_number="110105491231002", unit=district.edu)
        assert person.id_number == FEMALE_1949
        event = AuditEvent.objects.get(action="person.create", target_id=str(person.pk))
        assert event.changes["id_number_upgraded_from"] == [None, "110105*****1002"]
        assert "15位" in event.reason

    def test_it_refuses_a_sex_that_disagrees_with_the_number(self, district):
        error = _refused("sex", id_number=FEMALE_1949, sex=Sex.MALE)
        assert error.details["sex"] == ["性别与身份证号码不一致：号码中为女"]

    def test_it_refuses_a_birth_date_that_disagrees_with_the_number(self, district):
        number = make_id_number(date(1980, 1, 1))
        error = _refused("birth_date", id_number=number, birth_date=date(1980, 1, 2))
        assert error.details["birth_date"] == ["出生日期与身份证号码不一致：号码中为1980-01-01"]

    def test_it_accepts_sex_and_birth_date_that_agree(self, district):
        person = person_create(actor=None, name="李华", id_number=FEMALE_1949, sex=Sex.FEMALE,
                               birth_date=date(1949, 12, 31))
        assert person.pk

    def test_the_audit_trail_holds_the_number_masked(self, district, staff):
        person = person_create(actor=staff, name="李华", id_number=FEMALE_1949, unit=district.edu)
        event = AuditEvent.objects.get(action="person.create", target_id=str(person.pk))
        assert event.changes["id_number"] == [None, "110105********002X"]
        assert FEMALE_1949 not in str(event.changes)


class TestDuplicates:
    def test_it_names_the_holder_to_someone_who_may_see_them(self, district, staff):
        person_create(actor=None, name="李华", id_number=FEMALE_1949, unit=district.hospital)
        before = _counts()
        with pytest.raises(ValidationFailed) as caught:
            person_create(actor=staff, name="李花", id_number=FEMALE_1949, unit=district.edu)
        assert caught.value.details["id_number"] == ["该身份证号码已登记在册：李华（示例区人民医院）"]
        assert _counts() == before

    def test_it_does_not_leak_the_holder_to_someone_who_may_not(self, district, liaison):
        person_create(actor=None, name="李华", id_number=FEMALE_1949, unit=district.hospital)
        with pytest.raises(ValidationFailed) as caught:
            person_create(actor=liaison, name="李花", id_number="110105491231002", unit=district.edu)
        assert caught.value.details["id_number"] == ["该身份证号码已登记在册"]
        assert "李华" not in str(caught.value.details) and "医院" not in caught.value.message


class TestFieldRules:
    @pytest.mark.parametrize("name", ["张 三", "张\u3000三", "张\t三"])
    def test_it_refuses_spaces_inside_a_name(self, district, name):
        assert "空格" in _refused("name", name=name, id_number=FEMALE_1949).message

    @pytest.mark.parametrize("name", ["", "张", "张" * 51])
    def test_it_refuses_a_name_of_the_wrong_length(self, district, name):
        _refused("name", name=name, id_number=FEMALE_1949)

    def test_it_strips_the_name_and_keeps_a_middle_dot(self, district):
        assert person_create(actor=None, name=" 买买提·艾力 ", id_number=MALE_1965).name == "买买提·艾力"

    def test_a_man_must_be_in_the_male_category(self, district):
        _refused("retirement_category", id_number=MALE_1965, retirement_category=RetirementCategory.FEMALE_55)

    def test_a_woman_may_be_a_worker_retiring_from_50(self, district):
        number = make_id_number(date(1980, 1, 15), sex="F")
        person = person_create(actor=None, name="李华", id_number=number,
                               retirement_category=RetirementCategory.FEMALE_50)
        assert person.retirement_month == date(2032, 8, 1)  # domain.md §5.4: 女50 1980-01 → 2032-08

    def test_a_woman_may_not_be_in_the_male_category(self, district):
        _refused("retirement_category", id_number=FEMALE_1949, retirement_category=RetirementCategory.MALE_60)

    def test_work_may_not_start_before_the_age_of_14(self, district):
        number = make_id_number(date(1980, 6, 1))
        error = _refused("work_started_on", id_number=number, work_started_on=date(1994, 5, 31))
        assert "1994-06-01" in error.message
        assert person_create(actor=None, name="张三", id_number=number, work_started_on=date(1994, 6, 1)).pk

    def test_work_may_not_start_in_the_future(self, district):
        _refused("work_started_on", id_number=MALE_1965, work_started_on=date.today() + timedelta(days=1))

    def test_it_refuses_values_outside_the_choice_lists(self, district):
        error = _refused("ethnicity", id_number=MALE_1965, ethnicity="火星族", political_status="x")
        assert "political_status" in error.details

    def test_it_collects_several_errors_at_once(self, district):
        error = _refused("name", name="张 三", id_number=BAD_CHECKSUM, education="phd")
        assert {"name", "id_number", "education"} <= set(error.details)


class TestScope:
    def test_a_liaison_may_register_people_in_their_own_subtree(self, district, liaison):
        person = person_create(actor=liaison, name="李华", id_number=FEMALE_1949, unit=district.school)
        assert person.unit == district.school

    def test_a_liaison_may_not_register_people_elsewhere(self, district, liaison):
        with pytest.raises(NotFound):
            person_create(actor=liaison, name="李华", id_number=FEMALE_1949, unit=district.hospital)
        assert not Person.objects.exists()

    def test_a_reviewer_who_sees_the_unit_may_not_register(self, district, reviewer):
        with pytest.raises(PermissionDenied):
            person_create(actor=reviewer, name="李华", id_number=FEMALE_1949, unit=district.edu)

    def test_a_unit_is_required_unless_the_actor_works_district_wide(self, district, liaison, staff):
        with pytest.raises(ValidationFailed) as caught:
            person_create(actor=liaison, name="李华", id_number=FEMALE_1949)
        assert "unit" in caught.value.details
        assert person_create(actor=staff, name="李华", id_number=FEMALE_1949).unit is None

    def test_a_liaison_may_not_edit_another_units_person(self, district, liaison):
        person = PersonFactory(unit=district.hospital)
        with pytest.raises(NotFound):
            person_update(actor=liaison, person=person, name="李四")

    def test_a_reviewer_may_not_edit(self, district, reviewer):
        person = PersonFactory(unit=district.edu)
        with pytest.raises(PermissionDenied):
            person_update(actor=reviewer, person=person, name="李四")

    def test_moving_a_person_needs_the_right_on_both_units(self, district, liaison, staff):
        person = PersonFactory(unit=district.school)
        with pytest.raises(NotFound):
            person_update(actor=liaison, person=person, unit=district.hospital)
        person.refresh_from_db()
        assert person.unit == district.school
        assert person_update(actor=staff, person=person, unit=district.hospital).unit == district.hospital


class TestUpdate:
    def test_a_new_id_number_re_derives_birth_sex_and_retirement(self, district, staff):
        person = PersonFactory(unit=district.edu, birth=date(1970, 6, 1), sex="M")
        assert person.retirement_month == date(2031, 11, 1)
        number = make_id_number(date(1975, 3, 9), sex="F")
        updated = person_update(actor=staff, person=person, id_number=number)
        assert (updated.sex, updated.birth_date) == (Sex.FEMALE, date(1975, 3, 9))
        assert updated.retirement_category == RetirementCategory.FEMALE_55
        assert updated.retirement_month == date(2031, 7, 1)
        event = AuditEvent.objects.filter(action="person.update", target_id=str(person.pk)).get()
        assert set(event.changes) >= {"id_number", "sex", "birth_date", "retirement_category", "retirement_month"}
        assert number not in str(event.changes)

    def test_changing_the_category_recomputes_the_retirement_month(self, district, staff):
        person = PersonFactory(unit=district.edu, birth=date(1980, 1, 1), sex="F")
        updated = person_update(actor=staff, person=person, retirement_category=RetirementCategory.FEMALE_50)
        assert updated.retirement_month == date(2032, 8, 1)
        event = AuditEvent.objects.get(action="person.update", target_id=str(person.pk))
        assert event.changes["retirement_month"] == ["2037-08-01", "2032-08-01"]
        assert event.actor == staff

    def test_a_sex_that_disagrees_with_the_stored_number_is_refused(self, district, staff):
        person = PersonFactory(unit=district.edu, sex="M")
        with pytest.raises(ValidationFailed) as caught:
            person_update(actor=staff, person=person, sex=Sex.FEMALE)
        assert "sex" in caught.value.details

    def test_a_failed_update_writes_nothing(self, district, staff):
        person = PersonFactory(unit=district.edu, name="张三")
        before = _counts()
        with pytest.raises(ValidationFailed):
            person_update(actor=staff, person=person, name="李四", id_number=BAD_CHECKSUM)
        person.refresh_from_db()
        assert person.name == "张三"
        assert _counts() == before

    def test_an_update_that_changes_nothing_is_not_audited(self, district, staff):
        person = PersonFactory(unit=district.edu, name="张三")
        before = _counts()
        person_update(actor=staff, person=person, name=" 张三 ", political_status=PoliticalStatus.MASSES)
        assert _counts() == before

    def test_it_refuses_unknown_fields(self, district):
        person = PersonFactory(unit=district.edu)
        with pytest.raises(TypeError):
            person_update(actor=None, person=person, retirement_month=date(2000, 1, 1))

    def test_another_persons_number_is_refused(self, district, staff):
        first = PersonFactory(unit=district.edu)
        second = PersonFactory(unit=district.edu)
        with pytest.raises(ValidationFailed) as caught:
            person_update(actor=staff, person=second, id_number=first.id_number)
        assert first.name in caught.value.details["id_number"][0]
