"""Buddy routes: public registration, the buddy's profile, screening and import."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes
from tests.days import InDays

# A plausible date (issue 16 point 5: a date long ago is refused).
RECENT = InDays(-30)

# Another programme's screening and import are not found (issue 11, point 4).
COORDINATOR_ONLY = outcomes(
    403, anonymous=LOGIN, programme_coordinator=200, coordinator_other_programme=404
)

ROUTES = [
    Route("buddies:register_start", outcomes(REDIRECT)),
    Route("buddies:register_start", outcomes(REDIRECT), method="post"),
    Route("buddies:register_step", outcomes(200), args=lambda w: {"step": 1}),
    Route("buddies:register_done", outcomes(200)),
    # Everyone with a buddy profile reads their own, a declined applicant included.
    Route("buddies:profile", role_outcomes(403, anonymous=LOGIN, buddy=200)),
    # issue 21: the buddy's own path (sector, trade, school career): their own only
    Route("buddies:profile_path", role_outcomes(403, anonymous=LOGIN, buddy=200)),
    Route(
        "buddies:profile_path",
        role_outcomes(403, anonymous=LOGIN, buddy=200),
        method="post",
        data={"shown_to": "coordinator"},
    ),
    Route("buddies:profile_pause", outcomes(405, anonymous=LOGIN)),
    Route(
        "buddies:profile_pause",
        role_outcomes(403, anonymous=LOGIN, buddy=REDIRECT),
        method="post",
        data={"pause": "0"},
    ),
    Route(
        "buddies:profile_resume",
        role_outcomes(403, anonymous=LOGIN, buddy=REDIRECT),
        method="post",
    ),
    Route(
        "buddies:profile_declaration",
        role_outcomes(403, anonymous=LOGIN, buddy=REDIRECT),
        method="post",
        data={"accept": "on"},
    ),
    Route(
        "buddies:screening_home",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=REDIRECT),
    ),
    Route(
        "buddies:screening_queue",
        COORDINATOR_ONLY,
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "buddies:screening_detail",
        COORDINATOR_ONLY,
        args=lambda w: {"programme_uuid": w.programme.uuid, "buddy_uuid": w.buddy.uuid},
    ),
    # The applicant's page only shows; each decision is its own POST endpoint.
    Route(
        "buddies:screening_detail",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"programme_uuid": w.programme.uuid, "buddy_uuid": w.buddy.uuid},
        method="post",
    ),
    # The world's buddy is approved: approving or reopening is refused on the page (200).
    *[
        Route(
            f"buddies:screening_{decision}",
            outcomes(
                403,
                anonymous=LOGIN,
                programme_coordinator=coordinator,
                coordinator_other_programme=404,
            ),
            args=lambda w: {"programme_uuid": w.programme.uuid, "buddy_uuid": w.buddy.uuid},
            method="post",
            data=data,
        )
        for decision, coordinator, data in [
            ("approve", 200, {}),
            ("decline", REDIRECT, {"decline-reason": "Geen plaats."}),
            ("reopen", 200, {}),
            ("extract", REDIRECT, {"extract-seen_on": RECENT}),
            ("level", REDIRECT, {"level-level": "expert"}),
            # issue 13: suspending the approved buddy works; reinstating is refused (200)
            ("suspend", REDIRECT, {"suspend-reason": "Signaal ontvangen."}),
            ("reinstate", 200, {}),
        ]
    ],
    Route(
        "buddies:import_upload",
        COORDINATOR_ONLY,
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "buddies:import_template",
        COORDINATOR_ONLY,
        args=lambda w: {"programme_uuid": w.programme.uuid, "file_format": "xlsx"},
    ),
    Route(
        "buddies:import_detail",
        COORDINATOR_ONLY,
        args=lambda w: {"programme_uuid": w.programme.uuid, "import_uuid": w.buddy_import.uuid},
    ),
    *[
        Route(
            f"buddies:import_{step}",
            outcomes(
                403,
                anonymous=LOGIN,
                programme_coordinator=REDIRECT,
                coordinator_other_programme=404,
            ),
            args=lambda w: {"programme_uuid": w.programme.uuid, "import_uuid": w.buddy_import.uuid},
            method="post",
        )
        for step in ("confirm", "retry")
    ],
]
