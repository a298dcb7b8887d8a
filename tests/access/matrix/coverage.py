"""The coverage map (issue 19): platform admins and the funder (Flanders and Brussels),
regional coordinators (their province) and programme coordinators (their coverage area and
where their waiting referrals come from). Everyone else who is signed in gets 403; a
municipality outside the reader's scope does not exist (404)."""

from tests.access.matrix import LOGIN, Route, role_outcomes

READERS = {
    "anonymous": LOGIN,
    "programme_coordinator": 200,
    "regional_coordinator": 200,
    "funder": 200,
    "platform_admin": 200,
}
# The world's programme works in Mechelen (12025), in the regional coordinator's province
# (Antwerpen); the other programme's coordinator (Buddy Gent) has no Mechelen in scope.
MECHELEN = {
    **READERS,
    "coordinator_other_programme": 404,
    "regional_coordinator_other_province": 404,
}
# Gent is Buddy Gent's coverage area, outside the world programme and province.
GENT = {
    **READERS,
    "programme_coordinator": 404,
    "regional_coordinator": 404,
    "coordinator_other_programme": 200,
    "regional_coordinator_other_province": 200,  # Oost-Vlaanderen: Gent is theirs
}

ROUTES = [
    Route("coverage:map", role_outcomes(403, **READERS)),
    Route("coverage:map", role_outcomes(403, **READERS), data={"measure": "demand"}),
    Route("coverage:csv", role_outcomes(403, **READERS)),
    Route(
        "coverage:municipality",
        role_outcomes(403, **MECHELEN),
        args=lambda w: {"nis_code": "12025"},
    ),
    Route(
        "coverage:municipality",
        role_outcomes(403, **GENT),
        args=lambda w: {"nis_code": "44021"},
    ),
]
