"""ID numbers (GB 11643, domain.md §4) and credit codes (GB 32100, domain.md §3.5): the published vectors."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bianban.core.validators import mask_id_number, parse_id_number, parse_uscc


def test_it_accepts_the_gb11643_female_example_and_derives_birth_and_sex():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"


def test_the_gb11643_male_example_has_a_valid_check_character():
    from stdnum.cn import ric

    assert ric.calc_check_digit("440524188001010014") == "4"


def test_it_rejects_births_before_1900_even_with_a_valid_checksum():
    # 440524188001010014 is the appendix's checksum example; nobody on a roster was born in 1880.
    with pytest.raises(ValidationError) as exc:
        parse_id_number("440524188001010014")
    assert exc.value.code == "id_birth"


def test_it_rejects_a_wrong_check_character_and_names_the_right_one():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("320102198001011234")
    assert exc.value.code == "id_checksum"
    assert "8" in exc.value.messages[0]


def test_it_accepts_lower_case_x_and_spaces():
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_it_upgrades_a_15_digit_number_to_18():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.upgraded_from == "110105491231002"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002A", "id_format"),
        ("99010519491231002X", "id_region"),
        ("110105194913310027", "id_birth"),
    ],
)
def test_it_rejects_malformed_numbers_with_a_chinese_reason(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw)
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0])


def test_it_rejects_a_birth_date_in_the_future():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("11010519491231002X", today=date(1949, 12, 30))
    assert exc.value.code == "id_birth"


def test_masking_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "12110105400123456L", "11330100000123457T"])
def test_it_accepts_the_valid_credit_code_vectors(code):
    parsed = parse_uscc(code)
    assert parsed.checksum_ok
    assert parsed.code == code


def test_it_flags_the_early_fujian_code_as_a_checksum_warning_not_an_error():
    parsed = parse_uscc("91350100M0001TGQXM")
    assert not parsed.checksum_ok
    assert parsed.expected_check == "1"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12110105400123456", "uscc_length"),
        ("12110105400123456I", "uscc_format"),
        ("1211A105400123456L", "uscc_format"),
    ],
)
def test_it_rejects_malformed_credit_codes(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_uscc(raw)
    assert exc.value.code == code
