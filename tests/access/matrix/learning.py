"""Learning routes: events and registrations, the academy, the calendar."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes

ORGANISERS = {"programme_coordinator": 200, "platform_admin": 200}

ROUTES = [
    Route("learning:event_list", outcomes(200, anonymous=LOGIN)),
    Route(
        "learning:event_detail",
        outcomes(200, anonymous=LOGIN),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    # A programme's meet-up: its buddies and coordinators (and admins); others 404.
    Route(
        "learning:event_detail",
        outcomes(404, anonymous=LOGIN, buddy=200, programme_coordinator=200, platform_admin=200),
        args=lambda w: {"event_uuid": w.meetup.uuid},
    ),
    Route(
        "learning:event_register",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    Route(
        "learning:event_register",
        outcomes(403, anonymous=LOGIN, buddy=REDIRECT),
        args=lambda w: {"event_uuid": w.event.uuid},
        method="post",
    ),
    Route("learning:event_create", outcomes(403, anonymous=LOGIN, **ORGANISERS)),
    Route(
        "learning:event_manage",
        outcomes(403, anonymous=LOGIN, programme_coordinator=200, platform_admin=200),
        args=lambda w: {"event_uuid": w.meetup.uuid},
    ),
    # An event for all programmes is managed by platform admins only.
    Route(
        "learning:event_manage",
        outcomes(403, anonymous=LOGIN, programme_coordinator=404, platform_admin=200),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    Route(
        "learning:registration_cancel",
        outcomes(404, anonymous=LOGIN, buddy=REDIRECT, platform_admin=REDIRECT),
        args=lambda w: {"registration_uuid": w.registration.uuid},
        method="post",
    ),
    Route(
        "learning:programme_notes",
        outcomes(403, anonymous=LOGIN, **ORGANISERS),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "learning:required_modules",
        outcomes(403, anonymous=LOGIN, **ORGANISERS),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route("learning:module_list", outcomes(200, anonymous=LOGIN)),
    Route(
        "learning:module_detail",
        outcomes(200, anonymous=LOGIN),
        args=lambda w: {"slug": w.module.slug},
    ),
    Route("learning:calendar_settings", outcomes(403, anonymous=LOGIN, buddy=200)),
    Route(
        "learning:calendar_feed",
        outcomes(200),
        args=lambda w: {"token": w.calendar_feed.token},
    ),
]
