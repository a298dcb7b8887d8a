"""Network routes: the public practice database, proposals, moderation, Q&A, local services."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

# The world's proposal is in the province of Antwerpen: another province's regional
# coordinator moderates their own proposals only, this one does not exist for them.
ELSEWHERE = {"regional_coordinator_other_province": 404}

ROUTES = [
    Route("network:practice_list", outcomes(200)),
    Route("network:practice_submit", outcomes(200)),
    Route(
        "network:practice_detail",
        outcomes(200),
        args=lambda w: {"practice_uuid": w.practice.uuid},
    ),
    # The world's sheet has no photo: 404 for everyone (tests/network/test_photos.py serves
    # a real one and checks who may see a proposal's photo).
    Route(
        "network:practice_photo",
        outcomes(404),
        args=lambda w: {"practice_uuid": w.practice.uuid},
    ),
    Route(
        "network:practice_propose_change",
        outcomes(200),
        args=lambda w: {"practice_uuid": w.practice.uuid},
    ),
    # The mailed links: whoever holds the secret key (no account needed).
    Route(
        "network:practice_submission_confirm",
        outcomes(200),
        args=lambda w: {"token": w.unconfirmed_submission.token},
    ),
    Route(
        "network:practice_submission_edit",
        outcomes(200),
        args=lambda w: {"token": w.changes_requested_submission.token},
    ),
    Route(
        "network:moderation_queue",
        role_outcomes(403, anonymous=LOGIN, regional_coordinator=200, platform_admin=200),
    ),
    Route(
        "network:moderation_detail",
        outcomes(403, anonymous=LOGIN, regional_coordinator=200, platform_admin=200, **ELSEWHERE),
        args=lambda w: {"submission_uuid": w.practice_submission.uuid},
    ),
    # The page only shows; each decision is its own POST endpoint (rows: a no without a
    # reason is refused on the page, 200; publishing leads to the published sheet).
    Route(
        "network:moderation_detail",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"submission_uuid": w.practice_submission.uuid},
        method="post",
    ),
    Route(
        "network:moderation_publish",
        outcomes(
            403,
            anonymous=LOGIN,
            regional_coordinator=REDIRECT,
            platform_admin=REDIRECT,
            **ELSEWHERE,
        ),
        args=lambda w: {"submission_uuid": w.practice_submission.uuid},
        method="post",
    ),
    *[
        Route(
            f"network:moderation_{decision}",
            outcomes(
                403, anonymous=LOGIN, regional_coordinator=200, platform_admin=200, **ELSEWHERE
            ),
            args=lambda w: {"submission_uuid": w.practice_submission.uuid},
            method="post",
            data={"reason": ""},
        )
        for decision in ("request_changes", "reject")
    ],
    Route(
        "network:moderation_photo",
        outcomes(403, anonymous=LOGIN, regional_coordinator=404, platform_admin=404, **ELSEWHERE),
        args=lambda w: {"submission_uuid": w.practice_submission.uuid},
    ),
    Route("network:question_list", outcomes(200)),
    Route("network:question_create", outcomes(403, anonymous=LOGIN, platform_admin=200)),
    Route(
        "network:question_edit",
        outcomes(403, anonymous=LOGIN, platform_admin=200),
        args=lambda w: {"question_id": w.question.pk},
    ),
    # Issue 16, point 11: approved buddies, care coordinators and programme coordinators
    # ask a question (an empty form: its errors, 200); it waits for a platform admin.
    *[
        Route(
            "network:question_ask",
            role_outcomes(
                403,
                anonymous=LOGIN,
                buddy=200,
                school_staff=200,
                programme_coordinator=200,
                declined_applicant=403,
                pending_applicant=403,
            ),
            method=method,
        )
        for method in ("get", "post")
    ],
    Route("network:local_service_list", outcomes(200)),
    # Issue 20: the sociale kaart is kept by programme coordinators (their coverage area)
    # and platform admins; the world's service lies in no programme's area of another.
    Route(
        "network:local_service_create",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200, platform_admin=200),
    ),
    Route(
        "network:local_service_edit",
        outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=200,
            platform_admin=200,
            coordinator_other_programme=404,
        ),
        args=lambda w: {"service_uuid": w.local_service.uuid},
    ),
    # Issue 11, point 1: only the family's own buddy (the approved buddy of its running
    # duo); everyone else, buddies of the same programme included, finds no family.
    Route(
        "network:service_introduction_create",
        outcomes(404, anonymous=LOGIN, buddy=200),
        args=lambda w: {"family_uuid": w.matched_family.uuid},
    ),
    # An empty form: the family's buddy sees its errors, nobody else finds the family
    # (tests/network/test_introduction_scope.py posts a valid one as every outsider).
    Route(
        "network:service_introduction_create",
        outcomes(404, anonymous=LOGIN, buddy=200),
        args=lambda w: {"family_uuid": w.matched_family.uuid},
        method="post",
    ),
    Route(
        "network:services_reached",
        outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=200,
            coordinator_other_programme=404,
            platform_admin=200,
        ),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
]
