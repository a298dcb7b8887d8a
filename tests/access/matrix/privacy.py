"""Privacy routes (issue 15): a programme's retention periods, for its coordinators."""

from tests.access.matrix import LOGIN, Route, outcomes, role_outcomes

ROUTES = [
    Route("privacy:retention", role_outcomes(403, anonymous=LOGIN, programme_coordinator=200)),
    Route(
        "privacy:retention_edit",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    # The purge's dry run (issue 15 point 7): platform admins only.
    Route("privacy:purge", role_outcomes(403, anonymous=LOGIN, platform_admin=200)),
]
