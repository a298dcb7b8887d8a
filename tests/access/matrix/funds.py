"""Study grant routes (issue 21, point 6): a grant is seen by the programme's
coordinators, the school of its pupil, the duo's buddy (its requester here) and platform
admins; for everyone else it does not exist (404). The funder and regional coordinators
read totals only, in the report's files."""

from tests.access.matrix import LOGIN, OUTSIDERS_404, Route, outcomes

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
