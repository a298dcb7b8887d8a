"""Payment files of approved expense claims (issue 21, point 4): CSV for a spreadsheet and
SEPA credit transfer XML, ISO 20022 pain.001.001.03, the version Belgian banks accept for
SEPA transfers (Febelfin guidelines). One batch per file, one transfer per claim.

The XML is checked against the schema in tests/expenses/test_payments.py (the XSD ships in
expenses/schemas/ with its licence note). Names are written in the SEPA character set
(Latin letters without accents, digits and a few signs), as banks require.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .models import CENT, ExpenseClaim

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_SEPA_CHARS = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def sepa_text(value: str, limit: int) -> str:
    """`value` in the SEPA Latin character set (accents dropped), at most `limit` long."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _SEPA_CHARS.sub(" ", plain).strip()[:limit] or "-"


@dataclass(frozen=True)
class Debtor:
    """The programme's own account, from which the transfers are made."""

    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    name: str
    iban: str
    amount: Decimal
    remittance: str


def transfers_of(claims: Sequence[ExpenseClaim]) -> list[Transfer]:
    return [
        Transfer(
            end_to_end_id=claim.uuid.hex[:35],
            name=claim.holder_name,
            iban=claim.iban,
            amount=claim.total.quantize(CENT),
            remittance=f"Onkosten vrijwilliger {claim.month:%m/%Y} {claim.programme.name}",
        )
        for claim in claims
    ]


def payment_csv(transfers: Sequence[Transfer]) -> bytes:
    """Semicolon-separated with a decimal comma, as Belgian spreadsheets open it; no cell
    starts with a sign a spreadsheet would run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["referentie", "naam", "iban", "bedrag", "mededeling"])

    def safe(text: str) -> str:
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    for t in transfers:
        writer.writerow(
            [
                t.end_to_end_id,
                safe(t.name),
                t.iban,
                f"{t.amount:.2f}".replace(".", ","),
                safe(t.remittance),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def payment_pain001(
    transfers: Sequence[Transfer],
    *,
    debtor: Debtor,
    message_id: str,
    execution_date: dt.date,
    created_at: dt.datetime,
) -> bytes:
    """A pain.001.001.03 document with one SEPA batch of `transfers` (amounts in euro)."""
    if not transfers:
        raise ValueError("A payment file needs at least one transfer.")
    total = sum((t.amount for t in transfers), Decimal("0.00"))
    doc = ET.Element("Document", {"xmlns": NS})
    root = _sub(doc, "CstmrCdtTrfInitn")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id[:35])
    _sub(header, "CreDtTm", created_at.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", f"{total:.2f}")
    _sub(_sub(header, "InitgPty"), "Nm", sepa_text(debtor.name, 70))
    batch = _sub(root, "PmtInf")
    _sub(batch, "PmtInfId", message_id[:35])
    _sub(batch, "PmtMtd", "TRF")
    _sub(batch, "BtchBookg", "true")
    _sub(batch, "NbOfTxs", str(len(transfers)))
    _sub(batch, "CtrlSum", f"{total:.2f}")
    _sub(_sub(_sub(batch, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _sub(batch, "ReqdExctnDt", execution_date.isoformat())
    _sub(_sub(batch, "Dbtr"), "Nm", sepa_text(debtor.name, 70))
    _sub(_sub(_sub(batch, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    agent = _sub(_sub(batch, "DbtrAgt"), "FinInstnId")
    if debtor.bic:
        _sub(agent, "BIC", debtor.bic)
    else:  # IBAN-only: the bank finds its own BIC
        _sub(_sub(agent, "Othr"), "Id", "NOTPROVIDED")
    _sub(batch, "ChrgBr", "SLEV")
    for t in transfers:
        tx = _sub(batch, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", t.end_to_end_id)
        _sub(_sub(tx, "Amt"), "InstdAmt", f"{t.amount:.2f}", Ccy="EUR")
        _sub(_sub(tx, "Cdtr"), "Nm", sepa_text(t.name, 70))
        _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", t.iban)
        _sub(_sub(tx, "RmtInf"), "Ustrd", sepa_text(t.remittance, 140))
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)
