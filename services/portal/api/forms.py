"""Reading posted form fields with Dutch errors beside each field, and the confirm step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CONFIRM_FIELD = "bevestigd"


@dataclass
class FormReader:
    """Collects field values and, per field, the first thing wrong with it."""

    data: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, label: str, *, required: bool = True, max_length: int = 200,
             min_length: int = 0) -> str | None:
        value = self.data.get(name, "").strip()
        if not value:
            if required:
                self.errors[name] = f"Vul {label} in."
            return None
        if len(value) > max_length:
            self.errors[name] = f"{label.capitalize()} mag ten hoogste {max_length} tekens zijn."
            return None
        if len(value) < min_length:
            self.errors[name] = f"{label.capitalize()} moet minstens {min_length} tekens zijn."
            return None
        return value

    def choice(self, name: str, label: str, options: dict[str, str] | list[str],
               *, required: bool = True) -> str | None:
        value = self.data.get(name, "").strip()
        if not value and not required:
            return None
        if value not in options:
            self.errors[name] = f"Kies {label}."
            return None
        return value

    def day(self, name: str, label: str, *, required: bool = True) -> date | None:
        raw = self.data.get(name, "").strip()
        if not raw and not required:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = f"Vul {label} in als datum (jjjj-mm-dd)."
            return None

    def number(self, name: str, label: str, *, low: float, high: float,
               whole: bool = True, required: bool = True) -> float | int | None:
        raw = self.data.get(name, "").strip().replace(",", ".")
        if not raw and not required:
            return None
        try:
            value = int(raw) if whole else float(raw)
        except ValueError:
            self.errors[name] = f"Vul bij {label} een {'geheel ' if whole else ''}getal in."
            return None
        if not low <= value <= high:
            self.errors[name] = f"{label.capitalize()} ligt tussen {low:g} en {high:g}."
            return None
        return value

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def confirmed(self) -> bool:
        return self.data.get(CONFIRM_FIELD) == "ja"

    def hidden(self) -> dict[str, str]:
        """The fields to carry through the confirm page (never the CSRF token: it is added)."""
        return {k: v for k, v in self.data.items() if k not in ("csrf_token", CONFIRM_FIELD)}


def api_field_errors(problem_params: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Map a service's invalidParams (camelCase names) onto this form's fields."""
    errors = {}
    for api_name, reason in problem_params.items():
        form_name = names.get(api_name.split(".")[-1])
        if form_name:
            errors[form_name] = f"Niet geaccepteerd: {reason}"
    return errors
