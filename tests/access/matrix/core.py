"""Foundation routes: home, language, privacy, pupils, the admin and allauth."""

from tests.access.matrix import LOGIN, REDIRECT, Exempt, Route, outcomes, role_outcomes

ROUTES = [
    Route("home", outcomes(200)),
    Route("privacy", outcomes(200)),
    Route("set_language", outcomes(REDIRECT)),
    Route(
        "set_language",
        outcomes(REDIRECT),
        method="post",
        data={"language": "en", "next": "/"},
    ),
    Route(
        "pupil_list",
        role_outcomes(
            403, anonymous=LOGIN, school_staff=200, programme_coordinator=200, platform_admin=200
        ),
    ),
    Route(
        "pupil_detail",
        outcomes(
            404, anonymous=LOGIN, school_staff=200, programme_coordinator=200, platform_admin=200
        ),
        args=lambda w: {"pupil_uuid": w.pupil.uuid},
    ),
    Route("admin:index", outcomes(403, anonymous=LOGIN, platform_admin=200)),
]

EXEMPT = [
    Exempt("accounts/", "allauth's sign-in, reset and 2FA pages: tests/access/test_accounts.py"),
    Exempt(
        "admin/",
        "the admin: only admin:index is in the matrix; the admin checks "
        "has_permission on every other page (tests/access/test_admin.py)",
    ),
]
