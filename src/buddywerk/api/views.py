"""The profile page for personal API tokens: make one (shown once), revoke one."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest

from . import selectors, services
from .forms import TokenForm


def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's tokens, and the form for a new one. The new token's secret is in this
    response only (no redirect, nothing in the session): it cannot be shown again."""
    if not policy.can_create_api_tokens(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        made = form_submit(
            form,
            lambda: services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
                allowed_ips=form.address_list(),
            ),
        )
        if made is not None:
            secret = made[1]
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "secret": secret, "tokens": list(selectors.tokens_of(user=request.user))},
    )


@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_uuid: UUID) -> HttpResponse:
    if not policy.can_create_api_tokens(request.user):
        raise PermissionDenied
    token = selectors.token_get_own(user=request.user, token_uuid=token_uuid)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("api_tokens:list")
