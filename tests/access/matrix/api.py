"""The API (issue 18). Open data answers everyone alike. The session of the signed-in
principals grants nothing here: the API reads tokens only (tests/api/)."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

ROUTES = [
    # Nothing at the root (django-ninja shows the docs there only with DEBUG).
    Route("api-v1:api-root", outcomes(404)),
    # Any other path under /api/v1/: a problem details 404.
    Route("api-v1:not_found", outcomes(404)),
    Route("api-v1:openapi-json", outcomes(200)),
    Route("api-v1:openapi-view", outcomes(200)),
    Route("api-v1:programme_find", outcomes(200), data={"q": "2800"}),
    # The funder's figures as published (bands of five), for anyone.
    Route("api-v1:figures_open", outcomes(200), data={"area": "province:VAN"}),
    Route("api-v1:practice_search", outcomes(200), data={"q": "buddy"}),
    Route(
        "api-v1:practice_get",
        outcomes(404),
        args=lambda w: {"practice_uuid": "00000000-0000-4000-8000-000000000000"},
    ),
    Route(
        "api-v1:programme_get",
        outcomes(200),
        args=lambda w: {"programme_uuid": w.objects["programme"].uuid},
    ),
]


def _staff_token(world):
    """A token of the school's staff member (the insider of this row)."""
    from buddywerk.access.models import Role
    from tests.api.helpers import token_for

    token, _key = token_for(world.users[Role.SCHOOL_STAFF])
    return {"token_uuid": token.uuid}


def _referral(world):
    return {"referral_uuid": world.objects["referral"].uuid}


def _duo(world):
    return {"duo_uuid": world.objects["duo"].uuid}


def _programme(world):
    return {"programme_uuid": world.objects["programme"].uuid}


def _proposal(world):
    return {"proposal_uuid": world.objects["proposal"].uuid}


# Signed-in people see the API's session-free operations as anonymous callers: 401.
ROUTES += [
    Route("api-v1:referral_list", outcomes(401)),
    Route("api-v1:referral_queue", outcomes(401)),
    Route("api-v1:referral_create_pupil", outcomes(401), method="post"),
    Route("api-v1:referral_get", outcomes(401), args=_referral),
    Route("api-v1:referral_submit", outcomes(401), args=_referral, method="post"),
    Route("api-v1:referral_withdraw", outcomes(401), args=_referral, method="post"),
    Route("api-v1:referral_create_family", outcomes(401), method="post"),
    Route("api-v1:duo_list", outcomes(401)),
    Route("api-v1:meeting_list", outcomes(401), args=_duo),
    Route("api-v1:meeting_create", outcomes(401), args=_duo, method="post"),
    Route("api-v1:programme_buddies", outcomes(401), args=_programme),
    Route("api-v1:proposal_create", outcomes(401), method="post"),
    Route("api-v1:proposal_get", outcomes(401), args=_proposal),
    Route("api-v1:programme_figures", outcomes(401), args=_programme),
    # The profile page for personal API tokens: staff roles (which all use 2FA); a buddy
    # holds no staff role.
    Route(
        "api_tokens:list",
        role_outcomes(200, anonymous=LOGIN, buddy=403),
    ),
    Route(
        "api_tokens:list",
        role_outcomes(200, anonymous=LOGIN, buddy=403),
        method="post",
    ),
    # Revoking: only the owner; a token of someone else does not exist for the others.
    Route(
        "api_tokens:revoke",
        role_outcomes(
            404,
            anonymous=LOGIN,
            buddy=403,
            school_staff=REDIRECT,
            school_staff_other_school=404,
            buddy_other_duo=403,
            declined_applicant=403,
            pending_applicant=403,
        ),
        args=_staff_token,
        method="post",
    ),
    Route("api_tokens:revoke", role_outcomes(405, anonymous=LOGIN), args=_staff_token),
]


def _webhook(world):
    """The webhook of the school's staff member's school (the insider of this row)."""
    from buddywerk.access.models import Role
    from buddywerk.access.policy import webhook_organisation_ids
    from buddywerk.api.models import WebhookSubscription
    from buddywerk.api.webhook_services import webhook_subscribe
    from buddywerk.organisations.models import Organisation

    staff = world.users[Role.SCHOOL_STAFF]
    school = Organisation.objects.filter(pk__in=webhook_organisation_ids(staff)).first()
    # Asked again for each row of the same world: one live subscription per school.
    live = WebhookSubscription.objects.filter(organisation=school, revoked_at__isnull=True)
    subscription = (
        live.first()
        or webhook_subscribe(actor=staff, organisation=school, url="https://127.0.0.1/hook")[0]
    )
    return {"webhook_uuid": subscription.uuid}


ROUTES += [
    Route("api-v1:webhook_list", outcomes(401)),
    Route("api-v1:webhook_subscribe", outcomes(401), method="post"),
    Route("api-v1:webhook_get", outcomes(401), args=_webhook),
    Route("api-v1:webhook_unsubscribe", outcomes(401), args=_webhook, method="post"),
    Route("api-v1:webhook_deliveries", outcomes(401), args=_webhook),
    # The profile page "Webhooks": staff of a school or service (their own school's).
    # A school's or a service's staff subscribe their organisation's webhooks.
    Route(
        "api_webhooks:list",
        role_outcomes(403, anonymous=LOGIN, school_staff=200, service_staff=200),
    ),
    Route(
        "api_webhooks:list",
        role_outcomes(403, anonymous=LOGIN, school_staff=200, service_staff=200),
        method="post",
    ),
    Route(
        "api_webhooks:unsubscribe",
        role_outcomes(
            403,
            anonymous=LOGIN,
            school_staff=REDIRECT,
            school_staff_other_school=404,
            service_staff=404,
        ),
        args=_webhook,
        method="post",
    ),
    Route("api_webhooks:unsubscribe", role_outcomes(405, anonymous=LOGIN), args=_webhook),
]
