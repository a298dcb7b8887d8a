"""Report routes (issue 7): platform admins, the funder, regional and programme coordinators
and city staff read the funder's report (each within their scope); buddies and school staff
do not. Issue 14, point 3: a municipality's figures exist only for those the policy opens
them to (city staff their own, the funder and admins any municipality where a programme
works, a regional coordinator those of their province); for anyone else who reads reports
they answer 404."""

from tests.access.matrix import LOGIN, Route, role_outcomes

READERS = {
    "anonymous": LOGIN,
    "programme_coordinator": 200,
    "regional_coordinator": 200,
    "funder": 200,
    "city_staff": 200,
    "platform_admin": 200,
}
FORMATS = ("xlsx", "csv", "pdf")
# The world's programme and School A are in Mechelen (12025); the city staff outsider is
# staff of Gent.
MECHELEN = {"area": "municipality:12025", "period": "interim", "school_year": "2025"}
MECHELEN_READERS = {
    **READERS,
    "programme_coordinator": 404,
    "coordinator_other_programme": 404,
    "city_staff_other_city": 404,
    "regional_coordinator_other_province": 404,
}

ROUTES = [
    # Each reader within their own scope: another programme's coordinator reads theirs.
    Route("reports:report", role_outcomes(403, **READERS)),
    *(
        Route("reports:export", role_outcomes(403, **READERS), args=lambda w, f=fmt: {"fmt": f})
        for fmt in FORMATS
    ),
    # Mechelen's figures: the city of Gent's staff and the programme coordinators get 404.
    Route("reports:report", role_outcomes(403, **MECHELEN_READERS), data=MECHELEN),
    *(
        Route(
            "reports:export",
            role_outcomes(403, **MECHELEN_READERS),
            args=lambda w, f=fmt: {"fmt": f},
            data=MECHELEN,
        )
        for fmt in FORMATS
    ),
]
