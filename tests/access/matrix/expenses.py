"""Volunteer expenses (issue 21, points 4 and 6; the expenses app). A buddy sees only their
own claims; the coordinators of the claim's programme decide and pay; the platform admin
sets the figures of each year; nobody else sees a claim (404), and the funder reads totals
only (in the financial report, not here). The world's claim is the buddy's, submitted,
with a receipt (tests/expenses/world.py)."""

from tests.access.matrix import LOGIN, OUTSIDERS_404, REDIRECT, Route, outcomes


def _claim(w):
    return {"claim_uuid": w.expense_claim.uuid}


def _line(w):
    return {"claim_uuid": w.expense_claim.uuid, "line_uuid": w.expense_line.uuid}


# A claim exists only for its buddy and the coordinators of its programme.
NOT_THEIRS = {
    "school_staff": 404,
    "regional_coordinator": 404,
    "funder": 404,
    "city_staff": 404,
    "city_staff_other_city": 404,
    "internship_supervisor": 404,
    "service_staff": 404,
    "platform_admin": 404,
    "anonymous": LOGIN,
    **OUTSIDERS_404,
}

ROUTES = [
    Route(
        "expenses:mine",
        outcomes(403, anonymous=LOGIN, buddy=200, buddy_other_duo=200),
    ),
    Route(
        "expenses:queue",
        outcomes(403, anonymous=LOGIN, programme_coordinator=200, coordinator_other_programme=200),
    ),
    Route("expenses:years", outcomes(403, anonymous=LOGIN, platform_admin=200)),
    Route(
        "expenses:export",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route("expenses:claim", outcomes(200, **NOT_THEIRS), args=_claim),
    Route("expenses:receipt", outcomes(200, **NOT_THEIRS), args=_line),
    # Submitted: the buddy may take it back, not send it again; a coordinator does neither.
    Route("expenses:submit", outcomes(403, **NOT_THEIRS), args=_claim, method="post"),
    Route(
        "expenses:reopen",
        outcomes(403, buddy=REDIRECT, **NOT_THEIRS),
        args=_claim,
        method="post",
    ),
    Route(
        "expenses:decide",
        outcomes(403, programme_coordinator=REDIRECT, **NOT_THEIRS),
        args=_claim,
        method="post",
        data={"decision": "approve"},
    ),
    Route(
        "expenses:pay",
        outcomes(403, programme_coordinator=REDIRECT, **NOT_THEIRS),
        args=_claim,
        method="post",
        data={"reference": "B-1"},
    ),
    Route(
        "expenses:line_delete",
        outcomes(403, buddy=REDIRECT, **NOT_THEIRS),
        args=_line,
        method="post",
    ),
    Route("expenses:decide", outcomes(405, anonymous=LOGIN), args=_claim),
]
