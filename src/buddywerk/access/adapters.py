from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the domain's own registration and invitation forms (buddy
    registration, school staff invitations), which create users through services; the
    generic open sign-up page of allauth is closed."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
