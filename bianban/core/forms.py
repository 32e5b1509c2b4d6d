"""Form helpers: Bootstrap classes on every widget, and domain errors put back on their fields."""

from typing import Any

from django import forms

from bianban.core.exceptions import DomainError, ValidationFailed
from bianban.core.text import no_control_characters


class BootstrapFormMixin:
    """Give each widget Bootstrap's class and mark fields with errors as invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def full_clean(self) -> None:
        # Mark invalid fields after validation, not in __init__: reading `errors` there would validate the form
        # before a subclass has set its querysets.
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            self._mark_invalid(name)

    def _mark_invalid(self, name: str) -> None:
        field = self.fields.get(name)  # type: ignore[attr-defined]
        if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid".strip()

    def add_domain_error(self, exc: DomainError) -> None:
        """Show a service's ValidationFailed next to the fields it names; the rest goes to the top. Other domain
        errors (conflicts, permissions) carry data, not messages, in `details`: only their message is shown."""
        placed = False
        details = (exc.details or {}) if isinstance(exc, ValidationFailed) else {}
        for field, messages in details.items():
            target = field if field in self.fields else None  # type: ignore[attr-defined]
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(target, str(message))  # type: ignore[attr-defined]
                placed = True
            if target:
                self._mark_invalid(target)
        if not placed:
            self.add_error(None, exc.message)  # type: ignore[attr-defined]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
