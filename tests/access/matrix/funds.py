"""Study grant routes (issue 21, point 6): a grant is seen by the programme's
coordinators, the school of its pupil, the duo's buddy (its requester here) and platform
admins; for everyone else it does not exist (404). The funder and regional coordinators
read totals only, in the report's files."""

from tests.access.matrix import (
    APPLICANTS_403,
    LOGIN,
    OUTSIDERS_404,
    REDIRECT,
    Route,
    outcomes,
    role_outcomes,
)

SEEN_BY = {
    "anonymous": LOGIN,
    "buddy": 200,
    "school_staff": 200,
    "programme_coordinator": 200,
    "platform_admin": 200,
    **OUTSIDERS_404,
}

ROUTES = [
    Route(
        "funds:grant_detail",
        outcomes(404, **SEEN_BY),
        args=lambda w: {"grant_uuid": w.grant.uuid},
    ),
    Route(
        "funds:grant_receipt",
        outcomes(404, **SEEN_BY),
        args=lambda w: {"grant_uuid": w.grant.uuid, "receipt_id": w.grant_receipt.pk},
    ),
]


def _grant(w):
    return {"grant_uuid": w.grant.uuid}


# The steps of the grant page, on the world's justified grant: those who see it but may not
# take a step get 403; a step the grant is past is a redirect with a message; a form with
# no data is shown again with its errors (200).
SEE_NOT_ACT = {
    "anonymous": LOGIN,
    "buddy": 403,
    "school_staff": 403,
    "programme_coordinator": 403,
    "platform_admin": 403,
    **OUTSIDERS_404,
}

ROUTES += [
    Route(
        "funds:grant_submit",
        outcomes(404, **{**SEE_NOT_ACT, "buddy": REDIRECT, "programme_coordinator": REDIRECT}),
        args=_grant,
        method="post",
    ),
    Route(
        "funds:grant_approve",
        outcomes(404, **{**SEE_NOT_ACT, "programme_coordinator": REDIRECT}),
        args=_grant,
        method="post",
    ),
    Route(
        "funds:grant_refuse",
        outcomes(404, **{**SEE_NOT_ACT, "programme_coordinator": REDIRECT}),
        args=_grant,
        method="post",
        data={"reason": "Not for this"},
    ),
    Route(
        "funds:grant_payment",
        outcomes(404, **{**SEE_NOT_ACT, "programme_coordinator": 200}),
        args=_grant,
        method="post",
    ),
    Route(
        "funds:grant_receipt_add",
        outcomes(404, **{**SEE_NOT_ACT, "buddy": 200, "programme_coordinator": 200}),
        args=_grant,
        method="post",
    ),
    Route(
        "funds:grant_close",
        outcomes(404, **{**SEE_NOT_ACT, "programme_coordinator": REDIRECT}),
        args=_grant,
        method="post",
    ),
    Route("funds:grant_close", outcomes(405, anonymous=LOGIN), args=_grant),
]

# The request page of the world's duo: those who may ask a grant for its pupil.
ROUTES += [
    Route(
        "funds:grant_request",
        outcomes(
            404,
            anonymous=LOGIN,
            buddy=200,
            school_staff=200,
            programme_coordinator=200,
            platform_admin=403,  # sees every duo, asks no grant
            **OUTSIDERS_404,
        ),
        args=lambda w: {"trajectory_uuid": w.duo.uuid},
    ),
]

# The grants list (menu): coordinators and schools see their own scope; nobody else.
ROUTES += [
    Route(
        "funds:grant_list",
        role_outcomes(
            403,
            anonymous=LOGIN,
            school_staff=200,
            programme_coordinator=200,
            platform_admin=200,
            **APPLICANTS_403,
        ),
    ),
]

# The programme's finances: its coordinators only; for everyone else it does not exist.
ROUTES += [
    Route(
        "funds:finances",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.duo.programme.uuid},
    ),
    Route(
        "funds:finances",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.duo.programme.uuid},
        method="post",
        data={"form": "budget", "budget-amount": ""},
    ),
    # A cost's receipt (points 5 and 6): the coordinators of the programme that entered it.
    Route(
        "funds:cost_receipt",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.cost.programme.uuid, "cost_id": w.cost.pk},
    ),
]
