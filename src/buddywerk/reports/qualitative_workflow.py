"""The qualitative report's state machine: ONE table (ARCHITECTURE.md 4).

    draft -> submitted      a coordinator of the programme (or of the province's regional
                            coordination) submitted the answers

A submitted report is final: it has no way out, so a second submit is refused by the
kernel and changes nothing. Submitting after the due day is accepted and shown as late.
"""

from buddywerk.access import policy
from buddywerk.common.audit import AuditAction as A
from buddywerk.common.workflow import Workflow, transition

from .qualitative_models import QualitativeReport, QualitativeReportTransition
from .qualitative_models import QualitativeStatus as S

__all__ = ["QUALITATIVE"]

QUALITATIVE = Workflow(
    model=QualitativeReport,
    log_model=QualitativeReportTransition,
    log_field="report",
    states=S,
    transitions=(
        transition(
            "submit",
            [S.DRAFT],
            S.SUBMITTED,
            action=A.QUALITATIVE_SUBMIT,
            allowed=policy.can_answer_qualitative,
        ),
    ),
)
