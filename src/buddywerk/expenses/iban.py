"""IBAN check (ISO 13616): country letters, the country's length, and the mod-97 check
digits. Small and exact, so no dependency: a typing error in one digit (or two swapped
digits) always fails mod 97."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The SEPA countries' IBAN lengths (EPC409-09, the IBAN registry).
SEPA_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}  # fmt: skip

INVALID = _("This is not a valid IBAN. Check the letters and digits on your bank card.")


def iban_normalise(value: str) -> str:
    """Capitals, no spaces: the form in which an IBAN is stored and sent to the bank."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    iban = iban_normalise(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", iban):
        return False
    if SEPA_LENGTHS.get(iban[:2]) != len(iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def iban_clean(value: str) -> str:
    """The normalised IBAN, or a ValidationError in plain Dutch."""
    iban = iban_normalise(value)
    if not iban_is_valid(iban):
        raise ValidationError({"iban": ValidationError(INVALID, code="iban")})
    return iban


def iban_display(value: str) -> str:
    """In groups of four, as printed on a bank card."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
