"""Programmes and the public finder, school registration and confirmation, school staff."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

ROUTES = [
    # Public: anyone finds programmes and registers a school.
    Route("organisations:finder", outcomes(200)),
    Route("organisations:join", outcomes(200)),
    Route(
        "organisations:programme_detail",
        outcomes(200),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route("organisations:school_register", outcomes(200)),
    Route("organisations:school_register_done", outcomes(200)),
    # Platform admins confirm or decline registered schools.
    Route(
        "organisations:school_registration_list",
        outcomes(403, anonymous=LOGIN, platform_admin=200),
    ),
    Route(
        "organisations:school_registration_confirm",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"school_uuid": w.pending_school.uuid},
    ),
    Route(
        "organisations:school_registration_confirm",
        outcomes(403, anonymous=LOGIN, platform_admin=REDIRECT),
        args=lambda w: {"school_uuid": w.pending_school.uuid},
        method="post",
    ),
    Route(
        "organisations:school_registration_decline",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"school_uuid": w.declinable_school.uuid},
    ),
    Route(
        "organisations:school_registration_decline",
        outcomes(403, anonymous=LOGIN, platform_admin=REDIRECT),
        args=lambda w: {"school_uuid": w.declinable_school.uuid},
        method="post",
        data={"reason": "Geen school"},
    ),
    # The care coordinator (lead school_staff) manages the school's staff.
    Route(
        "organisations:school_staff_home",
        role_outcomes(403, anonymous=LOGIN, school_staff=REDIRECT),
    ),
    Route(
        "organisations:school_staff",
        outcomes(403, anonymous=LOGIN, school_staff=200, school_staff_other_school=404),
        args=lambda w: {"school_uuid": w.school.uuid},
    ),
    Route(
        "organisations:school_staff_revoke",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"school_uuid": w.school.uuid, "user_uuid": w.staff_colleague.uuid},
    ),
    Route(
        "organisations:school_staff_revoke",
        outcomes(403, anonymous=LOGIN, school_staff=REDIRECT, school_staff_other_school=404),
        args=lambda w: {"school_uuid": w.school.uuid, "user_uuid": w.staff_colleague.uuid},
        method="post",
    ),
]
