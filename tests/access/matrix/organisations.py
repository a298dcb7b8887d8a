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
    # Issue 20, point 3: a platform admin or the regional coordinator of the service's
    # province registers services and invites their staff; staff see their own service.
    Route(
        "organisations:service_list",
        role_outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=200,
            regional_coordinator=200,
        ),
    ),
    Route(
        "organisations:service_register",
        role_outcomes(403, anonymous=LOGIN, platform_admin=200, regional_coordinator=200),
    ),
    Route(
        "organisations:service_register",
        # Lier lies in Antwerp: the other province's coordinator gets the form back.
        role_outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=REDIRECT,
            regional_coordinator=REDIRECT,
            regional_coordinator_other_province=200,
        ),
        method="post",
        data={"name": "OCMW Lier (test)", "service_kind": "ocmw", "municipality": "12021"},
    ),
    Route(
        "organisations:service_detail",
        outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=200,
            regional_coordinator=200,
            regional_coordinator_other_province=404,
        ),
        args=lambda w: {"service_uuid": w.service.uuid},
    ),
    Route(
        "organisations:service_detail",
        outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=REDIRECT,
            regional_coordinator=REDIRECT,
            regional_coordinator_other_province=404,
        ),
        args=lambda w: {"service_uuid": w.service.uuid},
        method="post",
        data={"email": "nieuw@example.org"},
    ),
    Route(
        "organisations:service_edit",
        outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=200,
            regional_coordinator=200,
            regional_coordinator_other_province=404,
        ),
        args=lambda w: {"service_uuid": w.service.uuid},
    ),
    Route(
        "organisations:service_edit",
        outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=REDIRECT,
            regional_coordinator=REDIRECT,
            regional_coordinator_other_province=404,
        ),
        args=lambda w: {"service_uuid": w.service.uuid},
        method="post",
        data={"name": "Service A", "service_kind": "caw", "municipality": "12025"},
    ),
    Route(
        "organisations:service_staff_revoke",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"service_uuid": w.service.uuid, "user_uuid": w.service_colleague.uuid},
    ),
    Route(
        "organisations:service_staff_revoke",
        outcomes(
            403,
            anonymous=LOGIN,
            platform_admin=REDIRECT,
            regional_coordinator=REDIRECT,
            regional_coordinator_other_province=404,
        ),
        args=lambda w: {"service_uuid": w.service.uuid, "user_uuid": w.service_colleague.uuid},
        method="post",
    ),
    Route(
        "organisations:my_service",
        role_outcomes(403, anonymous=LOGIN, service_staff=200),
    ),
]
