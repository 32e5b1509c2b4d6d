"""Control characters in text from users.

C0 control characters other than tab and line breaks mean nothing in this register's text; they break the xlsx
exports (openpyxl refuses them in a cell) and the GB/T 9704 document. The API drops them from what it reads; a form
refuses them with a message, since its user typed or pasted the text and can see the field.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: Any) -> Any:
    """`value` with control characters dropped from every string in it (dicts and lists walked)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, dict):
        return {key: without_control_characters(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    return value


def no_control_characters(value: Any) -> None:
    """Form validator."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError("含有不可见的控制字符，请删除后重新输入（可从纯文本中复制）", code="control_characters")
