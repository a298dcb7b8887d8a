"""Issue 16, point 11: asking a question of the Q&A (buddies, care coordinators,
programme coordinators). The question shows once a platform admin has answered and
published it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once

from . import forms, qa_services


@require_http_methods(["GET", "POST"])
@submit_once
def question_ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    audiences = policy.question_audiences(request.user)
    if not audiences:
        raise PermissionDenied
    form = forms.QuestionAskForm(request.POST or None, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        asked = form_submit(
            form,
            lambda: qa_services.question_ask(
                actor=request.user,
                audience=form.cleaned_data["audience"],
                question=form.cleaned_data["question"],
            ),
        )
        if asked is not None:
            once_made(request, asked)
            messages.success(
                request,
                _("Thanks for your question. It shows in the list as soon as we have answered it."),
            )
            return redirect("network:question_list")
    return render(request, "network/question_ask.html", {"form": form})
