"""At each start of the demo (not a step of the world): a personal API token of the school's
care coordinator, for the README's `curl` example. Made by the same service as the profile
page "API tokens" (a random secret, stored only as a hash); the demo's earlier token is
revoked first, so only the one printed last works."""

import datetime as dt

from buddywerk.api.models import ApiScope
from buddywerk.api.selectors import tokens_of
from buddywerk.api.services import api_token_create, api_token_revoke
from buddywerk.common import clock
from buddywerk.organisations.models import Programme

from ..people import person

TOKEN_NAME = "Demo: curl (README)"
TOKEN_OWNER = "zorg.ursulinen"
PROGRAMME = "Buddy Mechelen"


def api_token() -> tuple[str, str, str]:
    """(owner's email, the token, the uuid of the programme the README refers to): Zoë,
    care coordinator of Basisschool Ursulinen Mechelen, made a token for her school's
    software on "API tokens" (read and write: referrals and webhooks, valid 30 days)."""
    owner = person(TOKEN_OWNER)
    for earlier in tokens_of(user=owner).filter(name=TOKEN_NAME, revoked_at__isnull=True):
        api_token_revoke(actor=owner, token=earlier)
    _token, key = api_token_create(
        actor=owner,
        name=TOKEN_NAME,
        scopes=list(ApiScope.values),
        expires_on=clock.today() + dt.timedelta(days=30),
        allowed_ips=[],
    )
    programme = Programme.objects.get(name=PROGRAMME)
    return owner.email, key, str(programme.uuid)
