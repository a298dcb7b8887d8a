"""Matching routes: the coordinator's overview, settings, suggestions and batch; the
regional coordinator's province figures; the buddy's and the school's proposals. Objects:
world.programme, world.referral, world.buddy and world.proposal (a pending proposal of the
world's buddy for a pupil of School A)."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

# The programme's own matching pages: another programme's coordinator gets 404.
OWN_PROGRAMME = {"programme_coordinator": 200, "coordinator_other_programme": 404}

ROUTES = [
    Route(
        "matching:home",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200, regional_coordinator=200),
    ),
    Route("matching:region_batch", role_outcomes(403, anonymous=LOGIN, regional_coordinator=200)),
    Route(
        "matching:batch",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "matching:settings",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "matching:referral_suggestions",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"referral_uuid": w.referral.uuid},
    ),
    Route(
        "matching:buddy_suggestions",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"buddy_uuid": w.buddy.uuid},
    ),
    # Everyone with a buddy profile or a school sees their own (scoped, maybe empty) list.
    Route(
        "matching:my_proposals",
        role_outcomes(403, anonymous=LOGIN, buddy=200, school_staff=200, service_staff=200),
    ),
    Route(
        "matching:proposal_detail",
        outcomes(
            404,
            anonymous=LOGIN,
            buddy=200,
            school_staff=200,
            programme_coordinator=200,
            platform_admin=200,
        ),
        args=lambda w: {"proposal_uuid": w.proposal.uuid},
    ),
    # The page only shows; each answer is its own POST endpoint. The world's proposal is
    # pending: its buddy accepts or declines it; the school confirms or refuses only once
    # it is accepted (refused on the page, 200).
    Route(
        "matching:proposal_detail",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"proposal_uuid": w.proposal.uuid},
        method="post",
    ),
    *[
        Route(
            f"matching:proposal_{answer}",
            outcomes(
                404,
                anonymous=LOGIN,
                buddy=buddy,
                school_staff=school,
                programme_coordinator=403,
                platform_admin=403,
            ),
            args=lambda w: {"proposal_uuid": w.proposal.uuid},
            method="post",
            data={"reason": "Geen tijd."},
        )
        for answer, buddy, school in [
            ("accept", REDIRECT, 403),
            ("decline", REDIRECT, 403),
            ("confirm", 403, 200),
            ("refuse", 403, 200),
        ]
    ],
]
