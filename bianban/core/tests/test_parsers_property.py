"""Property tests of the parsers hostile input reaches first (issue 9): ID numbers (GB 11643), credit codes
(GB 32100), date cells and whole roster rows. Whatever the input, a parser answers with a value or with its own
Chinese refusal, never with another exception; valid input round-trips."""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from bianban.core.validators import PROVINCE_PREFIXES, mask_id_number, parse_id_number, parse_uscc
from bianban.staffing.roster import reader
from bianban.staffing.roster.reader import CellError

TODAY = date(2026, 11, 29)
cell_values = st.one_of(
    st.none(), st.text(max_size=40), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
    st.timedeltas(min_value=timedelta(days=-10**5), max_value=timedelta(days=10**5)),
)


@st.composite
def id_numbers(draw: Any) -> tuple[str, date, str]:
    region = f"{draw(st.sampled_from(sorted(PROVINCE_PREFIXES)))}{draw(st.integers(0, 9999)):04d}"
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0"), birth, "M" if sequence % 2 else "F"


@given(id_numbers())
def test_a_valid_id_number_round_trips(case: tuple[str, date, str]) -> None:
    number, birth, sex = case
    parsed = parse_id_number(f" {number.lower()} ", today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, sex)
    masked = mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and number[6:14] not in masked


@given(id_numbers(), st.integers(0, 16), st.sampled_from("0123456789X"))
def test_changing_one_character_of_an_id_number_is_caught(case: tuple[str, date, str], position: int,
                                                          char: str) -> None:
    number = case[0]
    changed = number[:position] + char + number[position + 1:]
    if changed == number:
        return
    try:
        parse_id_number(changed, today=TODAY)
    except ValidationError as exc:
        assert exc.message and exc.code.startswith("id_")
    else:  # MOD 11-2 catches every single substitution, unless the changed digit left a valid body and check
        assert ric.calc_check_digit(changed) == changed[-1]


@given(st.text(max_size=30))
def test_any_text_is_an_id_number_or_a_chinese_refusal(text: str) -> None:
    try:
        parsed = parse_id_number(text, today=TODAY)
    except ValidationError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
    else:
        assert len(parsed.number) == 18


@st.composite
def credit_codes(draw: Any) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = (draw(st.text(alphabet, min_size=2, max_size=2)) + f"{draw(st.integers(0, 999999)):06d}"
            + draw(st.text(alphabet, min_size=9, max_size=9)))
    return body + uscc.calc_check_digit(body)


@given(credit_codes())
def test_a_valid_credit_code_round_trips(code: str) -> None:
    parsed = parse_uscc(f" {code} ")
    assert parsed.code == code and parsed.checksum_ok


@given(st.text(max_size=30))
def test_any_text_is_a_credit_code_or_a_chinese_refusal(text: str) -> None:
    try:
        parsed = parse_uscc(text)
    except ValidationError as exc:
        assert exc.code in {"uscc_length", "uscc_format"}
    else:
        assert len(parsed.code) == 18 and parsed.checksum_ok == (parsed.code[-1] == parsed.expected_check)


@given(cell_values)
def test_a_date_cell_is_a_date_or_a_chinese_refusal(value: Any) -> None:
    try:
        day = reader.to_date(value)
    except CellError as exc:
        assert str(exc)
    else:
        assert day is None or (isinstance(day, date) and day >= date(1900, 1, 1))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
       st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}", "{:%Y%m%d}", "{:%Y年%m月%d日}"]))
def test_the_date_spellings_of_the_template_all_read_back(day: date, spelling: str) -> None:
    assert reader.to_date(spelling.format(day)) == day
    assert reader.to_date(datetime(day.year, day.month, day.day, 8, 30)) == day


@given(cell_values)
def test_text_and_id_cells_never_raise_anything_but_a_cell_error(value: Any) -> None:
    assert isinstance(reader.text(value), str)
    try:
        assert isinstance(reader.id_text(value), str)
    except CellError:
        assert isinstance(value, int | float) and not isinstance(value, bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell_values, min_size=0, max_size=14), min_size=1, max_size=6))
def test_any_roster_rows_validate_to_a_plan_or_row_errors(rows: list[list[Any]], district: Any,
                                                          admin: Any) -> None:
    """Whole rows of arbitrary cells under the template's header: validation reports each bad row and never fails
    itself (no exception but the domain's own)."""
    from bianban.staffing.roster.columns import COLUMNS, match_headers
    from bianban.staffing.roster.reader import Sheet
    from bianban.staffing.roster.validate import validate

    headers = [column.header for column in COLUMNS]
    sheet = Sheet(name="花名册", headers=headers, positions=match_headers(headers), total=len(rows),
                  rows=enumerate(rows, start=2))
    plan = validate(sheet, actor=admin)
    nonblank = [i for i, row in enumerate(rows, start=2) if not reader.is_blank(row)]
    flagged = {error.row for error in plan.errors}
    if nonblank:
        assert flagged <= set(nonblank)
    else:  # a file of blank rows is refused as a whole (row 0: the file)
        empty = "文件中没有人员数据（第1行为表头，人员从第2行起逐行填写）"
        assert [(e.row, e.message) for e in plan.errors] == [(0, empty)]
