"""The profile page "Webhooks", next to the API tokens: subscribe the school's address (the
signing secret shown once), unsubscribe, and read the delivery log."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.organisations.models import Organisation

from . import webhook_selectors as selectors
from .webhook_services import webhook_subscribe, webhook_unsubscribe

LOG_LENGTH = 50


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("An https:// address of your school's software."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("School or service"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: object, organisations: QuerySet[Organisation], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            field.initial = organisations.get().pk
            field.widget = forms.HiddenInput()


def webhook_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The school's subscriptions, the form for a new one and the latest deliveries. The new
    secret is in this response only (no redirect, nothing in the session)."""
    if not policy.can_manage_webhooks(request.user):
        raise PermissionDenied
    organisations = selectors.webhook_organisations(user=request.user)
    form = WebhookForm(request.POST or None, organisations=organisations)
    secret = None
    if request.method == "POST" and form.is_valid():
        made = form_submit(
            form,
            lambda: webhook_subscribe(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                url=form.cleaned_data["url"],
            ),
        )
        if made is not None:
            secret = made[1]
            form = WebhookForm(organisations=organisations)
    deliveries = selectors.webhook_deliveries(user=request.user).order_by("-created_at", "-id")
    return render(
        request,
        "api/webhooks.html",
        {
            "form": form,
            "secret": secret,
            "subscriptions": list(selectors.webhook_subscriptions(user=request.user)),
            "deliveries": list(deliveries[:LOG_LENGTH]),
        },
    )


@require_POST
def webhook_unsubscribe_view(request: AuthenticatedHttpRequest, webhook_uuid: UUID) -> HttpResponse:
    if not policy.can_manage_webhooks(request.user):
        raise PermissionDenied
    subscription = selectors.webhook_subscription_get(
        user=request.user, subscription_uuid=webhook_uuid
    )
    webhook_unsubscribe(actor=request.user, subscription=subscription)
    messages.success(request, _("The webhook is unsubscribed: it gets no more events."))
    return redirect("api_webhooks:list")
