"""Checksummed identifiers: 公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100), via python-stdnum."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

# domain.md §4: region codes change when counties merge, and a person keeps the code of issue, so only the
# province prefix is checked (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, and 81–83 for 港澳台 residence permits).
PROVINCE_PREFIXES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 81, 82, 83]
)
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "M" or "F": position 17 odd is male (GB 11643 §5.3)
    upgraded_from: str = ""


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate an ID number and derive birth date and sex. 15-digit numbers (GB 11643-1989) are upgraded
    to 18 digits by inserting the century "19" and appending the MOD 11-2 check character."""
    number = re.sub(r"\s", "", raw or "").upper().replace("×", "X")
    upgraded_from = ""
    if _ID15.match(number):
        upgraded_from = number
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    if len(number) != 18:
        raise ValidationError(
            "身份证号码应为18位（或15位旧号码），当前为%(n)d位", code="id_length", params={"n": len(number)}
        )
    if not _ID18.match(number):
        raise ValidationError("身份证号码格式不正确：前17位应为数字，最后一位为数字或X", code="id_format")
    if int(number[:2]) not in PROVINCE_PREFIXES:
        raise ValidationError(
            "身份证号码前两位“%(p)s”不是有效的省级行政区划代码", code="id_region", params={"p": number[:2]}
        )
    try:
        birth = ric.get_birth_date(number)
    except ric.ValidationError:
        raise ValidationError(
            "身份证号码中的出生日期“%(d)s”不是有效日期", code="id_birth", params={"d": number[6:14]}
        ) from None
    if birth < EARLIEST_BIRTH or birth > (today or date.today()):
        raise ValidationError(
            "身份证号码中的出生日期%(d)s不在合理范围内", code="id_birth", params={"d": birth.isoformat()}
        )
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise ValidationError(
            "身份证号码校验码错误：末位应为“%(e)s”，请核对号码", code="id_checksum", params={"e": expected}
        )
    return IdNumber(
        number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F", upgraded_from=upgraded_from
    )


def mask_id_number(number: str) -> str:
    """110105********002X: region kept, birth date hidden, last four kept."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class CreditCode:
    code: str
    checksum_ok: bool
    expected_check: str


def parse_uscc(raw: str) -> CreditCode:
    """Validate the shape of a 统一社会信用代码 and report whether its check character (pos. 18) matches.

    A failed checksum is not an error: some legal early codes fail it (domain.md §3.5, the 福建 pilot code
    91350100M0001TGQXM), so callers ask for a confirmed reason instead of refusing it.
    """
    code = re.sub(r"\s", "", raw or "").upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位，当前为%(n)d位", code="uscc_length", params={"n": len(code)})
    if not _USCC.match(code):
        raise ValidationError(
            "统一社会信用代码含有无效字符（不使用字母I、O、Z、S、V，第3至8位为行政区划码）", code="uscc_format"
        )
    expected = uscc.calc_check_digit(code[:17])
    return CreditCode(code=code, checksum_ok=code[-1] == expected, expected_check=expected)
