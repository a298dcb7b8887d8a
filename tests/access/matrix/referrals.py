"""Referral routes: the referrer's list, forms and actions; the programme's queue and
decisions; the audited detail page. Objects: world.referral (submitted by School A to the
coordinator's programme) and world.draft_referral (a draft of School A)."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

ROUTES = [
    Route(
        "referrals:list",
        role_outcomes(
            403, anonymous=LOGIN, school_staff=200, service_staff=200, platform_admin=200
        ),
    ),
    # Issue 20: a service refers families, never pupils.
    Route("referrals:create_pupil", role_outcomes(403, anonymous=LOGIN, school_staff=200)),
    Route(
        "referrals:create_family",
        role_outcomes(403, anonymous=LOGIN, school_staff=200, service_staff=200),
    ),
    Route(
        "referrals:queue",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200, platform_admin=200),
    ),
    Route(
        "referrals:detail",
        outcomes(
            404, anonymous=LOGIN, school_staff=200, programme_coordinator=200, platform_admin=200
        ),
        args=lambda w: {"referral_uuid": w.referral.uuid},
    ),
    Route(
        "referrals:edit",
        outcomes(404, anonymous=LOGIN, school_staff=200, platform_admin=403),
        args=lambda w: {"referral_uuid": w.draft_referral.uuid},
    ),
    Route(
        "referrals:submit",
        outcomes(404, anonymous=LOGIN, school_staff=200, platform_admin=403),
        args=lambda w: {"referral_uuid": w.draft_referral.uuid},
    ),
    Route(
        "referrals:withdraw",
        outcomes(
            404, anonymous=LOGIN, school_staff=200, programme_coordinator=403, platform_admin=403
        ),
        args=lambda w: {"referral_uuid": w.referral.uuid},
    ),
    Route(
        "referrals:decide",
        outcomes(
            404, anonymous=LOGIN, school_staff=403, programme_coordinator=200, platform_admin=403
        ),
        args=lambda w: {"referral_uuid": w.referral.uuid},
    ),
    # One POST endpoint per decision (the decide page only shows the forms).
    *[
        Route(
            f"referrals:{name}",
            outcomes(405, anonymous=LOGIN),
            args=lambda w: {"referral_uuid": w.referral.uuid},
        )
        for name in ("accept", "wait", "decline")
    ],
    *[
        Route(
            f"referrals:{name}",
            outcomes(
                404,
                anonymous=LOGIN,
                school_staff=403,
                programme_coordinator=REDIRECT,
                platform_admin=403,
            ),
            args=lambda w: {"referral_uuid": w.referral.uuid},
            method="post",
            data={f"{name}-reason": "Past niet in het aanbod"},
        )
        for name in ("accept", "wait", "decline")
    ],
    # Consent (R18): the referring school's staff or the programme's coordinator record
    # a withdrawal; the platform admin sees the referral but records nothing (403).
    Route(
        "referrals:consent_withdraw",
        outcomes(
            404, anonymous=LOGIN, school_staff=200, programme_coordinator=200, platform_admin=403
        ),
        args=lambda w: {"referral_uuid": w.referral.uuid},
    ),
    Route(
        "referrals:consent_texts",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200),
    ),
    Route(
        "referrals:consent_text_publish",
        outcomes(404, anonymous=LOGIN, programme_coordinator=200),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
]
