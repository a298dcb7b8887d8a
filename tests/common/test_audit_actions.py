"""Every audit action is a member of `AuditAction`, and every member is written somewhere.

The first half is enforced at run time (`audit_record` refuses a string); the second is
read from the code: a member that no service, view or workflow table names is dead, and a
string action in a call would bypass the list.
"""

import re
from pathlib import Path

import pytest

from buddywerk.common.audit import AuditAction, audit_record
from tests.factories import ReferralFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "buddywerk"
# Every test clears the cache, which lives in the database.
pytestmark = pytest.mark.django_db


def _code() -> dict[str, str]:
    return {
        path.relative_to(SRC).as_posix(): path.read_text()
        for path in SRC.rglob("*.py")
        if "/migrations/" not in path.as_posix()
    }


def test_every_member_is_written_by_the_code():
    sources = _code()
    # audit.py itself writes VIEW (audit_view); leave out the enum's own definition.
    audit = sources.pop("common/audit.py")
    sources["common/audit.py"] = audit[audit.index("\ndef ") :]
    code = "\n".join(sources.values())
    # Members reach the code as `AuditAction.X` or, in workflow tables, `A.X`.
    named = set(re.findall(r"\b(?:AuditAction|A)\.([A-Z_]+)\b", code))
    unused = [member.name for member in AuditAction if member.name not in named]
    assert not unused, f"audit actions nothing writes: {unused}"


def test_no_call_passes_a_string_action():
    offenders = [
        f"{name}: {match.group(0)}"
        for name, text in _code().items()
        for match in re.finditer(r"action=f?[\"'][^\"']*[\"']", text)
        if "store_" not in match.group(0)  # argparse's own `action=`, not an audit action
    ]
    assert not offenders, offenders


def test_audit_record_refuses_an_action_outside_the_list():
    referral = ReferralFactory()
    with pytest.raises(TypeError):
        audit_record(actor=None, action="referral.hacked", target=referral)  # type: ignore[arg-type]
