"""Report routes (issue 7): platform admins, the funder, regional and programme coordinators
read the funder's report (each within their scope); buddies and school staff do not."""

from tests.access.matrix import LOGIN, Route, role_outcomes

READERS = {
    "anonymous": LOGIN,
    "programme_coordinator": 200,
    "regional_coordinator": 200,
    "funder": 200,
    "platform_admin": 200,
}

ROUTES = [
    # Each reader within their own scope: another programme's coordinator reads theirs.
    Route("reports:report", role_outcomes(403, **READERS)),
    *(
        Route("reports:export", role_outcomes(403, **READERS), args=lambda w, f=fmt: {"fmt": f})
        for fmt in ("xlsx", "csv", "pdf")
    ),
]
