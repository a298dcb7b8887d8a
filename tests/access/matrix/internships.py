"""Issue 20, points 1 and 5: internship supervisors, sharing, hours and attestations."""

from tests.access.matrix import LOGIN, REDIRECT, Route, outcomes, role_outcomes

SUPERVISOR = "internship_supervisor"
OTHER_SUPERVISOR = "supervisor_other_institution"
# Approved buddies reach their own hours; applicants and declined buddies do not.
NOT_APPROVED = {"declined_applicant": 403, "pending_applicant": 403}

ROUTES = [
    # A supervisor's students: only those who share with the supervisor's institution.
    Route(
        "internships:students",
        role_outcomes(403, anonymous=LOGIN, internship_supervisor=200),
    ),
    Route(
        "internships:student",
        outcomes(403, anonymous=LOGIN, internship_supervisor=200, supervisor_other_institution=404),
        args=lambda w: {"buddy_uuid": w.buddy.uuid},
    ),
    Route(
        "internships:student_pdf",
        outcomes(403, anonymous=LOGIN, internship_supervisor=200, supervisor_other_institution=404),
        args=lambda w: {"buddy_uuid": w.buddy.uuid},
    ),
    # The institution's contact (a lead supervisor) or a platform admin invites supervisors.
    Route(
        "internships:supervisors_home",
        role_outcomes(403, anonymous=LOGIN, internship_supervisor=200, platform_admin=200),
    ),
    Route(
        "internships:supervisors",
        outcomes(
            403,
            anonymous=LOGIN,
            internship_supervisor=200,
            platform_admin=200,
            supervisor_other_institution=404,
        ),
        args=lambda w: {"institution_uuid": w.institution.uuid},
    ),
    Route(
        "internships:supervisors",
        outcomes(
            403,
            anonymous=LOGIN,
            internship_supervisor=REDIRECT,
            platform_admin=REDIRECT,
            supervisor_other_institution=404,
        ),
        args=lambda w: {"institution_uuid": w.institution.uuid},
        method="post",
        data={"email": "nieuwe.begeleider@example.org", "first_name": "An", "last_name": "Claes"},
    ),
    Route(
        "internships:supervisor_revoke",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {
            "institution_uuid": w.institution.uuid,
            "user_uuid": w.supervisor_colleague.uuid,
        },
    ),
    Route(
        "internships:supervisor_revoke",
        outcomes(
            403,
            anonymous=LOGIN,
            internship_supervisor=REDIRECT,
            platform_admin=REDIRECT,
            supervisor_other_institution=404,
        ),
        args=lambda w: {
            "institution_uuid": w.institution.uuid,
            "user_uuid": w.supervisor_colleague.uuid,
        },
        method="post",
    ),
    # Partnerships: platform admins and programme coordinators (their own programmes).
    Route(
        "internships:partnerships",
        role_outcomes(403, anonymous=LOGIN, platform_admin=200, programme_coordinator=200),
    ),
    Route(
        "internships:partnerships",
        # An empty form: refused with its errors, nothing recorded.
        role_outcomes(403, anonymous=LOGIN, platform_admin=200, programme_coordinator=200),
        method="post",
    ),
    # A buddy shares with their institution, sees their hours, gets an attestation.
    Route(
        "internships:sharing",
        role_outcomes(
            403, anonymous=LOGIN, buddy=200, declined_applicant=403, pending_applicant=200
        ),
    ),
    Route("internships:sharing_revoke", outcomes(405, anonymous=LOGIN)),
    Route(
        "internships:sharing_revoke",
        role_outcomes(
            403, anonymous=LOGIN, buddy=REDIRECT, declined_applicant=403, pending_applicant=REDIRECT
        ),
        method="post",
    ),
    Route("internships:hours", role_outcomes(403, anonymous=LOGIN, buddy=200, **NOT_APPROVED)),
    Route(
        "internships:attestation_create",
        outcomes(405, anonymous=LOGIN),
        args=lambda w: {"school_year": w.attestation.school_year},
    ),
    Route(
        "internships:attestation_create",
        role_outcomes(403, anonymous=LOGIN, buddy=REDIRECT, **NOT_APPROVED),
        args=lambda w: {"school_year": w.attestation.school_year},
        method="post",
    ),
    Route(
        "internships:attestation_pdf",
        outcomes(403, anonymous=LOGIN, buddy=200, buddy_other_duo=404),
        args=lambda w: {"code": w.attestation.code},
    ),
    # Anyone checks a code.
    Route("internships:attestation_check", outcomes(200)),
    # Coordinators see their programmes' totals per buddy.
    Route(
        "internships:hour_totals",
        role_outcomes(403, anonymous=LOGIN, programme_coordinator=200, platform_admin=200),
    ),
]
