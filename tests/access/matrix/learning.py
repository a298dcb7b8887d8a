"""Learning routes: events and registrations, the academy, the calendar."""

from tests.access.matrix import APPLICANTS_403, LOGIN, REDIRECT, Route, outcomes, role_outcomes

ORGANISERS = {"programme_coordinator": 200, "platform_admin": 200}
# Regional coordinators organise their region's events (issue 20): a programme's pages
# and events of others do not exist for them (404).
REGIONAL_404 = {"regional_coordinator": 404, "regional_coordinator_other_province": 404}
# A programme's own pages: another programme's coordinator does not find them (404).
OWN_PROGRAMME = {**ORGANISERS, "coordinator_other_programme": 404, **REGIONAL_404}
# An event of the regional coordination: its coordinator (and admins) manage it.
OWN_REGION = {
    "regional_coordinator": 200,
    "platform_admin": 200,
    "regional_coordinator_other_province": 404,
    "programme_coordinator": 404,
    "coordinator_other_programme": 404,
}

ROUTES = [
    Route("learning:event_list", outcomes(200, anonymous=LOGIN)),
    Route(
        "learning:event_detail",
        outcomes(200, anonymous=LOGIN),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    # A programme's meet-up: its approved buddies and coordinators (and admins); others,
    # an applicant who is waiting or was declined included, 404 (issue 11, point 2).
    Route(
        "learning:event_detail",
        outcomes(
            404,
            anonymous=LOGIN,
            buddy=200,
            buddy_other_duo=200,
            programme_coordinator=200,
            platform_admin=200,
        ),
        args=lambda w: {"event_uuid": w.meetup.uuid},
    ),
    Route(
        "learning:event_register",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    # Approved buddies register; applicants (waiting or declined) do not.
    Route(
        "learning:event_register",
        outcomes(403, anonymous=LOGIN, buddy=REDIRECT, buddy_other_duo=REDIRECT),
        args=lambda w: {"event_uuid": w.event.uuid},
        method="post",
    ),
    # School staff and coordinators register for events (issue 20), but another
    # programme's meet-up does not exist for them.
    Route(
        "learning:event_register",
        outcomes(
            403,
            anonymous=LOGIN,
            buddy=REDIRECT,
            buddy_other_duo=REDIRECT,
            school_staff=404,
            school_staff_other_school=404,
            coordinator_other_programme=404,
            **REGIONAL_404,
        ),
        args=lambda w: {"event_uuid": w.meetup.uuid},
        method="post",
    ),
    Route(
        "learning:event_create",
        role_outcomes(403, anonymous=LOGIN, **ORGANISERS, regional_coordinator=200),
    ),
    # Issue 20: the organiser changes the event; others' events are not found.
    Route(
        "learning:event_edit",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"event_uuid": w.meetup.uuid},
    ),
    Route(
        "learning:event_edit",
        outcomes(403, anonymous=LOGIN, **OWN_REGION),
        args=lambda w: {"event_uuid": w.school_event.uuid},
    ),
    Route(
        "learning:event_manage",
        outcomes(403, anonymous=LOGIN, **OWN_REGION),
        args=lambda w: {"event_uuid": w.school_event.uuid},
    ),
    Route(
        "learning:event_attendance",
        outcomes(403, anonymous=LOGIN, **OWN_REGION),
        args=lambda w: {"event_uuid": w.school_event.uuid},
        method="post",
        data={"present": []},
    ),
    # Everyone in the audience registers: school staff for an event meant for schools.
    Route(
        "learning:event_register",
        outcomes(
            403,
            anonymous=LOGIN,
            school_staff=REDIRECT,
            school_staff_other_school=REDIRECT,
        ),
        args=lambda w: {"event_uuid": w.school_event.uuid},
        method="post",
    ),
    Route(
        "learning:event_manage",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"event_uuid": w.meetup.uuid},
    ),
    # An event for all programmes is managed by platform admins only.
    Route(
        "learning:event_manage",
        outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=404,
            coordinator_other_programme=404,
            platform_admin=200,
            **REGIONAL_404,
        ),
        args=lambda w: {"event_uuid": w.event.uuid},
    ),
    # The page only shows; attendance and notes are posted to their own endpoints.
    Route(
        "learning:event_manage",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"event_uuid": w.meetup.uuid},
        method="post",
    ),
    Route(
        "learning:event_attendance",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"event_uuid": w.meetup.uuid},
        method="post",
        data={"present": []},
    ),
    Route(
        "learning:event_note",
        outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=REDIRECT,
            platform_admin=REDIRECT,
            coordinator_other_programme=404,
            **REGIONAL_404,
        ),
        args=lambda w: {"event_uuid": w.meetup.uuid},
        method="post",
        data={"kind": "idea", "text": "Een uitstap."},
    ),
    Route(
        "learning:registration_cancel",
        outcomes(404, anonymous=LOGIN, buddy=REDIRECT, platform_admin=REDIRECT),
        args=lambda w: {"registration_uuid": w.registration.uuid},
        method="post",
    ),
    Route(
        "learning:programme_notes",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route(
        "learning:required_modules",
        outcomes(403, anonymous=LOGIN, **OWN_PROGRAMME),
        args=lambda w: {"programme_uuid": w.programme.uuid},
    ),
    Route("learning:module_list", outcomes(200, anonymous=LOGIN)),
    # Issue 20: module writers; the world's module is the academy's (no programme), kept by
    # regional coordinators (of any province) and platform admins.
    Route(
        "learning:module_create",
        role_outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=200,
            regional_coordinator=200,
            platform_admin=200,
        ),
    ),
    Route(
        "learning:module_edit",
        outcomes(
            403,
            anonymous=LOGIN,
            programme_coordinator=404,
            coordinator_other_programme=404,
            regional_coordinator=200,
            regional_coordinator_other_province=200,
            platform_admin=200,
        ),
        args=lambda w: {"slug": w.module.slug},
    ),
    Route(
        "learning:module_detail",
        outcomes(200, anonymous=LOGIN),
        args=lambda w: {"slug": w.module.slug},
    ),
    # The calendar link is for approved buddies (issue 11, point 8).
    Route(
        "learning:calendar_settings",
        role_outcomes(403, anonymous=LOGIN, buddy=200, **APPLICANTS_403),
    ),
    # The secret key is the credential (no account needed), for an approved buddy's link;
    # the link of an owner who is not approved serves nothing (issue 11, point 8).
    Route(
        "learning:calendar_feed",
        outcomes(200),
        args=lambda w: {"token": w.calendar_feed.token},
    ),
    Route(
        "learning:calendar_feed",
        outcomes(404),
        args=lambda w: {"token": w.applicant_calendar_feed.token},
    ),
]
