"""Pages of the network: the public practice database, proposals and their moderation,
the Q&A and the local services map. Views: guard, load (scoped), validate, service, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buddywerk.access import policy
from buddywerk.common.audit import audit_view
from buddywerk.common.forms import errors_to_form, form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.common.public_forms import PublicFormThrottled, honeypot_filled, public_form_consume
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Family

from . import forms, selectors, services
from .models import CONTENT_FIELDS, LocalService, PracticeSubmission, Question, SubmissionStatus
from .search import (
    PracticeFilters,
    has_facet_filters,
    practice_facets,
    practice_search,
    practice_search_ids,
    practices_in_order,
)
from .spelling import practice_spelling_suggestion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 20


# --- The public practice database ---------------------------------------------------


@login_not_required
def practice_list(request: HttpRequest) -> HttpResponse:
    form = forms.PracticeSearchForm(request.GET or None)
    filters = PracticeFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = PracticeFilters(
            q=data["q"],
            categories=data["category"],
            policy_domains=data["domain"],
            provinces=data["province"],
            target_groups=data["target"],
        )
    # The match runs once; the page and the facets work from its ids (see search.py).
    if not has_facet_filters(filters):
        results: Any = practice_search(filters)
        page: Page[Any] = Paginator(selectors.practice_list_related(results), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    else:
        results = practice_search_ids(filters)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        # The page of ids becomes the page of their sheets, in the same order.
        page.object_list = practices_in_order(list(page.object_list))
    facets = practice_facets(results)
    chosen = {
        "category": filters.categories,
        "domain": filters.policy_domains,
        "province": filters.provinces,
        "target": filters.target_groups,
    }
    for facet in facets:
        for option in facet.options:
            option.checked = option.code in chosen[facet.param]
    query = request.GET.copy()
    query.pop("page", None)
    # Issue 16, point 10: nothing found for a misspelt word: suggest the nearest word the
    # sheets use, as a link that searches again with it.
    spelling, spelling_query = None, ""
    if filters.q and not page.paginator.count:
        spelling = practice_spelling_suggestion(filters.q)
        if spelling:
            again = query.copy()
            again["q"] = spelling
            spelling_query = again.urlencode()
    context = {
        "form": form,
        "page": page,
        "spelling": spelling,
        "spelling_query": spelling_query,
        "facets": facets,
        "filters": filters,
        "query_string": query.urlencode(),
    }
    return render(request, "network/practice_list.html", context)


@login_not_required
def practice_detail(request: HttpRequest, practice_uuid: UUID) -> HttpResponse:
    practice = selectors.practice_get_public(practice_uuid=practice_uuid)
    return render(
        request,
        "network/practice_detail.html",
        {"practice": practice, "versions": practice.versions.select_related("published_by")},
    )


# What a stored photo is served as; the upload was checked to be one of these (photos.py).
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def _photo_response(photo: Any) -> FileResponse:
    """Serve a stored photo through the storage backend, in every environment (the media
    folder is not served by the web server, and a submission's photo is not public)."""
    name = photo.name or ""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in PHOTO_TYPES:
        raise Http404
    try:
        handle = photo.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=PHOTO_TYPES[suffix])
    # A photo is never a page: no scripts, even if a browser were tricked into rendering it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_http_methods(["GET", "HEAD"])
def practice_photo(request: HttpRequest, practice_uuid: UUID) -> FileResponse:
    """The photo of a published sheet (public)."""
    practice = selectors.practice_get_public(practice_uuid=practice_uuid)
    response = _photo_response(practice.photo)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "HEAD"])
def moderation_photo(request: AuthenticatedHttpRequest, submission_uuid: UUID) -> FileResponse:
    """The photo of a proposal, for its moderators only (not published yet)."""
    if not policy.can_moderate_practices(request.user):
        raise PermissionDenied
    submission = get_object_or_404(
        policy.practice_submissions_moderated_by(request.user, PracticeSubmission.objects.all()),
        uuid=submission_uuid,
    )
    response = _photo_response(submission.photo)
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def practice_submit(request: HttpRequest, practice_uuid: UUID | None = None) -> HttpResponse:
    """Propose a new sheet, or (with a sheet's id) a change to it."""
    practice = None
    if practice_uuid is not None:
        practice = selectors.practice_get_public(practice_uuid=practice_uuid)
    initial = {}
    if practice is not None and request.method == "GET":
        initial = {
            "places": list(practice.places.all()),
            "categories": list(practice.categories.all()),
            "policy_domains": list(practice.policy_domains.all()),
            "target_groups": list(practice.target_groups.all()),
        }
    instance = PracticeSubmission()
    if practice is not None:
        for name in CONTENT_FIELDS:
            setattr(instance, name, getattr(practice, name))
    form = forms.PracticeSubmissionForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        initial=initial,
        photo_url=reverse("network:practice_photo", args=[practice.uuid])
        if practice is not None and practice.photo
        else "",
    )
    if request.method == "POST" and honeypot_filled(request):
        # A bot: the same page as a person gets, and nothing stored or sent.
        return render(
            request,
            "network/practice_submitted.html",
            {"email": request.POST.get("submitter_email", "")[:254]},
        )
    if request.method == "POST" and form.is_valid():
        fields, relations = form.content()
        resent = selectors.practice_submission_resent(
            submitter_email=form.cleaned_data["submitter_email"],
            title=str(fields.get("title", "")),
            practice=practice,
        )
        if resent is not None:
            # The same proposal again: no second record, no second mail, no hit.
            messages.info(request, _("You had already sent this proposal: we received it once."))
            return render(
                request, "network/practice_submitted.html", {"email": resent.submitter_email}
            )
        try:
            hits = public_form_consume(request, recipient=form.cleaned_data["submitter_email"])
        except PublicFormThrottled as exc:
            form.add_error(None, exc.message)
            return render(
                request,
                "network/practice_form.html",
                {"form": form, "practice": practice},
                status=429,
            )
        try:
            services.practice_submission_create(
                actor=request.user if request.user.is_authenticated else None,
                fields=fields,
                relations=relations,
                submitter_name=form.cleaned_data["submitter_name"],
                submitter_email=form.cleaned_data["submitter_email"],
                practice=practice,
            )
        except ValidationError as exc:
            hits.rollback()  # nothing was sent
            errors_to_form(form, exc)
        else:
            return render(
                request,
                "network/practice_submitted.html",
                {"email": form.cleaned_data["submitter_email"]},
            )
    return render(request, "network/practice_form.html", {"form": form, "practice": practice})


@login_not_required
@require_http_methods(["GET", "POST"])
def practice_submission_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A mailed link: a page with one button, so that a mail scanner opening the link does
    not confirm anything."""
    submission = get_object_or_404(PracticeSubmission, token=token)
    if request.method == "POST":
        submission = services.practice_submission_confirm(token=token)
        messages.success(request, _("Thank you. Your proposal now waits for a moderator."))
        return redirect("network:practice_list")
    return render(request, "network/practice_confirm.html", {"submission": submission})


@login_not_required
@require_http_methods(["GET", "POST"])
def practice_submission_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The author changes a proposal that a moderator sent back."""
    submission = get_object_or_404(
        PracticeSubmission, token=token, status=SubmissionStatus.CHANGES_REQUESTED
    )
    form = forms.PracticeSubmissionForm(
        request.POST or None,
        request.FILES or None,
        instance=submission,
        with_submitter=False,
    )
    if request.method == "POST" and form.is_valid():
        fields, relations = form.content()
        if form_submit(
            form,
            lambda: services.practice_submission_resubmit(
                token=token, fields=fields, relations=relations
            ),
        ):
            messages.success(request, _("Thank you. Your proposal now waits for a moderator."))
            return redirect("network:practice_list")
    return render(
        request,
        "network/practice_form.html",
        {"form": form, "practice": submission.practice, "submission": submission},
    )


# --- Moderation ---------------------------------------------------------------------


def moderation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_moderate_practices(request.user):
        raise PermissionDenied
    queue = selectors.moderation_queue(user=request.user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/moderation_queue.html", {"page": page})


def _moderated_submission(
    request: AuthenticatedHttpRequest, submission_uuid: UUID
) -> PracticeSubmission:
    """A proposal the user moderates: 403 for a role that moderates none, 404 for one
    outside their provinces (R15)."""
    if not policy.can_moderate_practices(request.user):
        raise PermissionDenied
    submission: PracticeSubmission = get_object_or_404(
        policy.practice_submissions_moderated_by(
            request.user, PracticeSubmission.objects.all()
        ).select_related("practice"),
        uuid=submission_uuid,
    )
    return submission


def _moderation_page(
    request: AuthenticatedHttpRequest, submission: PracticeSubmission, form: forms.ModerationForm
) -> HttpResponse:
    return render(
        request,
        "network/moderation_detail.html",
        {
            "submission": submission,
            "form": form,
            "can_decide": submission.status
            in {SubmissionStatus.SUBMITTED, SubmissionStatus.CHANGES_REQUESTED},
        },
    )


@require_GET
def moderation_detail(request: AuthenticatedHttpRequest, submission_uuid: UUID) -> HttpResponse:
    submission = _moderated_submission(request, submission_uuid)
    return _moderation_page(request, submission, forms.ModerationForm())


@require_POST
def moderation_publish(request: AuthenticatedHttpRequest, submission_uuid: UUID) -> HttpResponse:
    submission = _moderated_submission(request, submission_uuid)
    form = forms.ModerationForm(request.POST)
    if form.is_valid():
        practice = form_submit(
            form,
            lambda: services.practice_submission_publish(actor=request.user, submission=submission),
        )
        if practice is not None:
            messages.success(request, _("The practice sheet is published."))
            return redirect("network:practice_detail", practice_uuid=practice.uuid)
    return _moderation_page(request, submission, form)


def _moderation_send_back(
    service: Callable[..., object], done: StrOrPromise
) -> Callable[..., HttpResponse]:
    """Ask for changes or reject, as its own POST endpoint: both tell the author why."""

    @require_POST
    def view(request: AuthenticatedHttpRequest, submission_uuid: UUID) -> HttpResponse:
        submission = _moderated_submission(request, submission_uuid)
        form = forms.ModerationForm(request.POST, reason_required=True)
        if (
            form.is_valid()
            and form_submit(
                form,
                lambda: service(
                    actor=request.user, submission=submission, reason=form.cleaned_data["reason"]
                ),
            )
            is not None
        ):
            messages.success(request, done)
            return redirect("network:moderation_queue")
        return _moderation_page(request, submission, form)

    return view


moderation_request_changes = _moderation_send_back(
    services.practice_submission_request_changes, gettext_lazy("The author was asked for changes.")
)
moderation_reject = _moderation_send_back(
    services.practice_submission_reject, gettext_lazy("The proposal was rejected.")
)


# --- Q&A ------------------------------------------------------------------------------


@login_not_required
def question_list(request: HttpRequest) -> HttpResponse:
    form = forms.QuestionSearchForm(request.GET or None)
    audience, q = "", ""
    if form.is_bound and form.is_valid():
        audience, q = form.cleaned_data["audience"], form.cleaned_data["q"]
    return render(
        request,
        "network/question_list.html",
        {
            "form": form,
            "questions": selectors.question_list(audience=audience, q=q),
            # Issue 16, point 11: asked questions wait for an admin's answer; the asker
            # sees their own.
            "waiting": (
                selectors.questions_waiting()
                if policy.can_edit_questions(request.user)
                else selectors.questions_asked_by(request.user)
                if request.user.is_authenticated
                else []
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def question_edit(
    request: AuthenticatedHttpRequest, question_id: int | None = None
) -> HttpResponse:
    if not policy.can_edit_questions(request.user):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_id) if question_id else Question()
    form = forms.QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        if form_submit(
            form,
            lambda: services.question_save(
                actor=request.user, question=question, fields=form.cleaned_data
            ),
        ):
            messages.success(request, _("The question is saved."))
            return redirect("network:question_list")
    return render(request, "network/question_form.html", {"form": form, "question": question})


# --- Local services ---------------------------------------------------------------------


@login_not_required
def local_service_list(request: HttpRequest) -> HttpResponse:
    form = forms.LocalServiceFilterForm(request.GET or None)
    municipality, category = None, ""
    if form.is_bound and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        category = form.cleaned_data["category"]
    page = Paginator(
        selectors.local_service_list(municipality=municipality, category=category), 50
    ).get_page(request.GET.get("page"))
    return render(request, "network/local_service_list.html", {"form": form, "page": page})


def _local_service_form_page(
    request: AuthenticatedHttpRequest, form: forms.LocalServiceForm, service: LocalService | None
) -> HttpResponse:
    return render(request, "network/local_service_form.html", {"form": form, "service": service})


@require_http_methods(["GET", "POST"])
@submit_once
def local_service_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue 20: a coordinator adds a local service to their programme's sociale kaart."""
    if not policy.can_manage_local_services(request.user):
        raise PermissionDenied
    form = forms.LocalServiceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        service = form_submit(
            form,
            lambda: services.local_service_save(actor=request.user, fields=form.cleaned_data),
        )
        if service is not None:
            once_made(request, service)
            messages.success(request, _("The service is on the sociale kaart."))
            return redirect("network:local_service_list")
    return _local_service_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def local_service_edit(request: AuthenticatedHttpRequest, service_uuid: UUID) -> HttpResponse:
    """A local service of the coordinator's coverage area; others' are not found (404)."""
    if not policy.can_manage_local_services(request.user):
        raise PermissionDenied
    service = get_object_or_404(
        policy.local_services_kept_by(request.user, LocalService.objects.all()), uuid=service_uuid
    )
    form = forms.LocalServiceForm(request.POST or None, instance=service, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if (
            form_submit(
                form,
                lambda: services.local_service_save(
                    actor=request.user,
                    fields=fields,
                    service=LocalService.objects.get(pk=service.pk),
                ),
            )
            is not None
        ):
            messages.success(request, _("The service is saved."))
            return redirect("network:local_service_list")
    return _local_service_form_page(request, form, service)


@require_http_methods(["GET", "POST"])
@submit_once
def service_introduction_create(
    request: AuthenticatedHttpRequest, family_uuid: UUID
) -> HttpResponse:
    """A family's introductions to local services: for the family's own buddy only (the
    approved buddy of a running duo with the family); anyone else gets 404, buddies of
    the same programme included (issue 11)."""
    family = get_object_or_404(
        policy.families_for_service_introduction(request.user, Family.objects.all()),
        uuid=family_uuid,
    )
    meeting = None
    meeting_param = request.POST.get("meeting") or request.GET.get("meeting")
    if meeting_param:
        try:
            meeting_uuid = UUID(meeting_param)
        except ValueError as exc:
            raise Http404 from exc
        meeting = selectors.meeting_for_introduction(
            user=request.user, family=family, meeting_uuid=meeting_uuid
        )
        if meeting is None:
            raise Http404
    audit_view(actor=request.user, target=family)
    form = forms.ServiceIntroductionForm(
        request.POST or None,
        services=selectors.services_for_family(family=family),
        initial={"introduced_on": meeting.date if meeting else None},
    )
    if request.method == "POST" and form.is_valid():
        introduction = form_submit(
            form,
            lambda: services.service_introduction_record(
                actor=request.user, family=family, meeting=meeting, **form.cleaned_data
            ),
        )
        if introduction:
            once_made(request, introduction)
            messages.success(request, _("The introduction is recorded."))
            return redirect("network:service_introduction_create", family_uuid=family.uuid)
    return render(
        request,
        "network/service_introduction_form.html",
        {
            "form": form,
            "family": family,
            "meeting": meeting,
            "introductions": selectors.introductions_for_family(user=request.user, family=family),
        },
    )


def services_reached(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """Counts per service for the programme's coordinators: 403 for a role that never sees
    them, 404 for another programme's (issue 11)."""
    if not policy.can_view_services_reached(request.user):
        raise PermissionDenied
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    if not policy.can_view_service_reach(request.user, programme):
        raise Http404
    return render(
        request,
        "network/services_reached.html",
        {"programme": programme, "services": selectors.services_reached(programme=programme)},
    )
