"""Buddy pages: public registration in steps, the buddy's own profile, the coordinator's
screening queue and the import. Views: guard, load (scoped), validate, service, render."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from buddywerk.access import policy
from buddywerk.common.audit import audit_view
from buddywerk.common.forms import errors_to_form, form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.public_forms import PublicFormThrottled, honeypot_filled, public_form_consume
from buddywerk.learning import selectors as learning_selectors
from buddywerk.organisations.models import Programme

from . import importer, rules, services
from .forms import (
    AccountForm,
    DeclarationForm,
    DeclineForm,
    ExtractForm,
    ImportForm,
    LevelForm,
    OfferForm,
    PathForm,
    ProfileForm,
    ProgrammesForm,
    SuspendForm,
    WhenWhereForm,
    WhoForm,
)
from .models import STUDENT_KINDS, Buddy, BuddyImport, BuddyKind, ScreeningStatus
from .paths import buddy_path

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Registration: a small stepper that keeps each step's input in the session ----------

SESSION_KEY = "buddy_registration"
STEP_FORMS: dict[int, Any] = {
    1: WhoForm,
    2: DeclarationForm,
    3: OfferForm,
    4: WhenWhereForm,
    5: ProgrammesForm,
    6: AccountForm,
}
STEP_TITLES = {
    1: gettext_lazy("Who are you?"),
    2: gettext_lazy("Declaration on honour"),
    3: gettext_lazy("What you offer"),
    4: gettext_lazy("When and where"),
    5: gettext_lazy("Programmes"),
    6: gettext_lazy("Your account"),
}
LAST_STEP = 6


def _wizard(request: HttpRequest) -> dict[str, Any]:
    state: dict[str, Any] = request.session.get(SESSION_KEY, {"data": {}, "valid": []})
    return state


def _save_wizard(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state


def _step_data(state: dict[str, Any], step: int) -> MultiValueDict[str, Any] | None:
    stored = state["data"].get(str(step))
    return MultiValueDict(stored) if stored is not None else None


def _bound(state: dict[str, Any], step: int, **kwargs: Any) -> Any:
    form_class = STEP_FORMS[step]
    return form_class(_step_data(state, step), **kwargs)


def _valid_profile(state: dict[str, Any]) -> tuple[dict[str, Any], list[Programme]] | None:
    """The profile from steps 1, 3 and 4 and the programmes in reach, if those steps hold."""
    forms = [_bound(state, step) for step in (1, 3, 4)]
    if not all(form.is_bound and form.is_valid() for form in forms):
        return None
    profile: dict[str, Any] = {}
    for form in forms:
        profile.update(form.profile())
    kind = profile["kind"]
    if kind in STUDENT_KINDS:
        kind = BuddyKind.STUDENT_INTERNSHIP if profile["on_internship"] else BuddyKind.STUDENT
    programmes = rules.programmes_for(
        kind=kind,
        postcode=profile.get("home_postcode"),
        radius_km=profile.get("travel_radius_km"),
        online_only=profile["online_only"],
    )
    return profile, programmes


def _step_form(state: dict[str, Any], step: int, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if step == 5:
        found = _valid_profile(state)
        kwargs["programmes"] = found[1] if found else []
    form_class = STEP_FORMS[step]
    if data is None:
        data = _step_data(state, step)
    return form_class(data, **kwargs)


@login_not_required
def register_start(request: HttpRequest) -> HttpResponse:
    """The start of the registration; POST starts over with an empty form. Coming from a
    programme's page (`?programme=<uuid>`), that programme is ticked in step 5 when it is
    within the applicant's reach."""
    if request.method == "POST":
        request.session.pop(SESSION_KEY, None)
    wanted = request.GET.get("programme", "")
    try:
        wanted = str(UUID(wanted))
    except ValueError:
        wanted = ""
    if wanted:
        state = _wizard(request)
        state["programme"] = wanted
        _save_wizard(request, state)
    return redirect("buddies:register_step", step=1)


@login_not_required
def register_step(request: HttpRequest, step: int) -> HttpResponse:
    if not 1 <= step <= LAST_STEP:
        return redirect("buddies:register_step", step=1)
    state = _wizard(request)
    # A step is open once every earlier step was completed.
    for earlier in range(1, step):
        if earlier not in state["valid"]:
            return redirect("buddies:register_step", step=earlier)

    if request.method == "POST":
        if step == LAST_STEP and honeypot_filled(request):
            # A bot: the same page as a person gets, and nothing stored or sent.
            request.session.pop(SESSION_KEY, None)
            return redirect("buddies:register_done")
        if step == LAST_STEP:
            form = _step_form(state, step, request.POST)
        else:
            # Keep what was typed, valid or not, so going back and forth loses nothing.
            state["data"][str(step)] = dict(request.POST.lists())
            state["data"][str(step)].pop("csrfmiddlewaretoken", None)
            form = _step_form(state, step)
        if form.is_valid():
            if step == 1:
                problems = _eligibility(form)
                if problems:
                    # R1: not eligible. Say why, kindly, and keep nothing.
                    request.session.pop(SESSION_KEY, None)
                    return render(
                        request, "buddies/register_not_eligible.html", {"problems": problems}
                    )
            if step == LAST_STEP:
                return _register(request, state, form)
            state["valid"] = sorted({*state["valid"], step} - set(range(step + 1, 7)))
            _save_wizard(request, state)
            return redirect("buddies:register_step", step=step + 1)
        state["valid"] = [s for s in state["valid"] if s < step]
        _save_wizard(request, state)
    else:
        form = _step_form(state, step)
        if not form.is_bound:
            form = _unbound(step, state)
    return _render_step(request, step, form, state)


def _unbound(step: int, state: dict[str, Any]) -> Any:
    if step == 5:
        found = _valid_profile(state)
        in_reach = found[1] if found else []
        initial = [p.pk for p in in_reach if str(p.uuid) == state.get("programme")]
        return ProgrammesForm(programmes=in_reach, initial={"programmes": initial})
    form_class = STEP_FORMS[step]
    return form_class()


def _eligibility(form: WhoForm) -> list[str]:
    profile = form.profile()
    kind = profile["kind"]
    if kind in STUDENT_KINDS:
        kind = BuddyKind.STUDENT_INTERNSHIP if profile["on_internship"] else BuddyKind.STUDENT
    return rules.buddy_eligibility_problems(
        kind=kind,
        field_of_study=profile["field_of_study"],
        teaching_qualification=profile["teaching_qualification"],
        programmes=Programme.objects.filter(accepts_buddies=True),
    )


def _render_step(request: HttpRequest, step: int, form: Any, state: dict[str, Any]) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "step": step,
        "steps": [(n, STEP_TITLES[n]) for n in range(1, LAST_STEP + 1)],
        "step_title": STEP_TITLES[step],
        "last_step": LAST_STEP,
        "previous_step": step - 1,
        "grid": form.grid() if isinstance(form, WhenWhereForm) else None,
    }
    if step == 5:
        context["programme_choices"] = list(form.fields["programmes"].queryset)
    return render(request, "buddies/register_step.html", context)


def _register(request: HttpRequest, state: dict[str, Any], form: AccountForm) -> HttpResponse:
    found = _valid_profile(state)
    declaration = _bound(state, 2)
    programmes_form = _step_form(state, 5)
    if found is None or not declaration.is_valid() or not programmes_form.is_valid():
        return redirect("buddies:register_step", step=1)
    profile, _in_reach = found
    profile["phone"] = form.cleaned_data["phone"]
    try:
        hits = public_form_consume(request, recipient=form.cleaned_data["email"])
    except PublicFormThrottled as exc:
        form.add_error(None, exc.message)
        response = _render_step(request, LAST_STEP, form, state)
        response.status_code = 429
        return response
    try:
        services.buddy_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            profile=profile,
            declaration_accepted=declaration.cleaned_data["accept"],
            programmes=programmes_form.cleaned_data["programmes"],
        )
    except ValidationError as exc:
        hits.rollback()  # nothing was sent
        for message in exc.messages:
            form.add_error(None, message)
        return _render_step(request, LAST_STEP, form, state)
    request.session.pop(SESSION_KEY, None)
    return redirect("buddies:register_done")


@login_not_required
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "buddies/register_done.html")


# --- The buddy's own profile -------------------------------------------------------------


def _own_buddy(request: AuthenticatedHttpRequest) -> Buddy:
    if not policy.can_edit_own_buddy_profile(request.user):
        raise PermissionDenied
    return get_object_or_404(
        policy.buddies_visible_to(request.user, Buddy.objects.all()).select_related(
            "home_postcode", "user"
        ),
        user=request.user,
    )


def _profile_initial(buddy: Buddy) -> dict[str, Any]:
    return {
        "kind": BuddyKind.STUDENT if buddy.kind in STUDENT_KINDS else buddy.kind,
        "on_internship": "yes" if buddy.on_internship else "no",
        "training_institution": buddy.training_institution_id,
        "training_institution_name": buddy.training_institution_name,
        "field_of_study": buddy.field_of_study,
        "teaching_qualification": buddy.teaching_qualification,
        "background": buddy.background,
        "languages": buddy.languages,
        "competences": buddy.competences,
        "school_levels": buddy.school_levels,
        "meeting_modes": buddy.meeting_modes,
        "slots": buddy.slots,
        "online_only": buddy.online_only,
        "home_postcode": buddy.home_postcode_id or "",
        "travel_radius_km": buddy.travel_radius_km,
        "capacity": buddy.capacity,
        "available_from": buddy.available_from,
        "available_until": buddy.available_until,
    }


def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    buddy = _own_buddy(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            saved = form_submit(
                form,
                lambda: services.buddy_update_profile(
                    actor=request.user, buddy=buddy, profile=form.profile()
                ),
            )
            if saved is not None:
                messages.success(request, _("Your profile is saved."))
                return redirect("buddies:profile")
    else:
        form = ProfileForm(initial=_profile_initial(buddy))
    programmes = list(buddy.programmes.order_by("name"))
    return render(
        request,
        "buddies/profile.html",
        {
            "buddy": buddy,
            "form": form,
            "grid": form.grid(),
            "programmes": programmes,
            "declaration_text": rules.DECLARATION_TEXT,
            # Issue 6: attendance counts in the buddy's profile (and certificate).
            "attended_events": learning_selectors.attendance_count(buddy),
            "missing_modules": [
                (programme, missing)
                for programme in programmes
                if (
                    missing := learning_selectors.missing_required_modules(
                        buddies=[buddy], programme=programme
                    ).get(buddy.pk)
                )
            ],
        },
    )


def profile_path(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue 21: a mentor's sector and trade, a role model's own path, and who sees it."""
    buddy = _own_buddy(request)
    tags = services.programme_path_tags(buddy)
    form = PathForm(
        request.POST or None,
        kind=buddy.kind,
        tags=tags,
        initial={
            "sector": buddy.sector,
            "trade": buddy.trade,
            "story": buddy.background,
            "tracks": buddy.path_tracks,
            "tags": buddy.path_tags,
            "shown_to": buddy.path_shown_to,
        },
    )
    if request.method == "POST" and form.fields and form.is_valid():
        data = form.cleaned_data
        saved = form_submit(
            form,
            lambda: services.buddy_update_path(
                actor=request.user,
                buddy=buddy,
                sector=data.get("sector", ""),
                trade=data.get("trade", ""),
                story=data.get("story", ""),
                tracks=data.get("tracks", []),
                tags=data.get("tags", []),
                shown_to=data["shown_to"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Your path is saved."))
            return redirect("buddies:profile_path")
    return render(request, "buddies/profile_path.html", {"buddy": buddy, "form": form})


@require_POST
def profile_pause(request: AuthenticatedHttpRequest) -> HttpResponse:
    buddy = _own_buddy(request)
    services.buddy_pause(actor=request.user, buddy=buddy)
    messages.success(request, _("Your availability is paused. You get no new proposals."))
    return redirect("buddies:profile")


@require_POST
def profile_resume(request: AuthenticatedHttpRequest) -> HttpResponse:
    buddy = _own_buddy(request)
    services.buddy_resume(actor=request.user, buddy=buddy)
    messages.success(request, _("Welcome back: you are available again."))
    return redirect("buddies:profile")


@require_POST
def profile_declaration(request: AuthenticatedHttpRequest) -> HttpResponse:
    buddy = _own_buddy(request)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        services.buddy_accept_declaration(actor=request.user, buddy=buddy)
        messages.success(request, _("Thank you, your declaration is saved."))
    else:
        messages.error(request, _("Tick the box to confirm the declaration."))
    return redirect("buddies:profile")


# --- Screening (programme coordinators) --------------------------------------------------


def _screening_programme(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> Programme:
    """A programme whose applicants the user screens. A user who screens for no programme
    gets 403 (the page is not for their role); another programme's screening is not found
    (404, issue 11)."""
    if not policy.can_screen_applicants(request.user):
        raise PermissionDenied
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    if not policy.can_screen_buddies(request.user, programme):
        raise Http404
    return programme


def screening_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's programmes, each with its number of applicants."""
    if not policy.can_screen_applicants(request.user):
        raise PermissionDenied
    programmes = (
        policy.programmes_screened_by(request.user, Programme.objects.all())
        .annotate(
            applicants=Count(
                "buddies",
                filter=Q(buddies__status=ScreeningStatus.APPLIED),
            )
        )
        .order_by("name")
    )
    if len(programmes) == 1:
        return redirect("buddies:screening_queue", programme_uuid=programmes[0].uuid)
    return render(request, "buddies/screening_home.html", {"programmes": programmes})


def screening_queue(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = _screening_programme(request, programme_uuid)
    status = request.GET.get("status", ScreeningStatus.APPLIED)
    if status not in ScreeningStatus.values:
        status = ScreeningStatus.APPLIED
    buddies = (
        policy.buddies_visible_to(request.user, Buddy.objects.all())
        .filter(programmes=programme, status=status)
        .select_related("user", "training_institution", "home_postcode__municipality")
        .order_by("created_at", "pk")
    )
    page = Paginator(buddies, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # Issue 6: who still misses a module the programme requires before a first duo.
    missing = learning_selectors.missing_required_modules(
        buddies=page.object_list, programme=programme
    )
    rows = [
        {
            "buddy": buddy,
            "waiting_days": (today - timezone.localdate(buddy.created_at)).days,
            "missing_modules": missing.get(buddy.pk, []),
        }
        for buddy in page.object_list
    ]
    # Issue 13, point 2: approved buddies whose extract runs out within 6 weeks.
    from buddywerk.trajectories.safeguarding_services import extract_runs_out_soon

    expiring = [
        {"buddy": buddy, "last_day": last}
        for buddy in policy.buddies_visible_to(request.user, Buddy.objects.all())
        .filter(
            programmes=programme,
            status=ScreeningStatus.APPROVED,
            extract_seen_on__isnull=False,
        )
        .select_related("user")
        .order_by("extract_seen_on", "pk")
        if (last := extract_runs_out_soon(buddy, programme, today))
    ]
    return render(
        request,
        "buddies/screening_queue.html",
        {
            "programme": programme,
            "expiring": expiring,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": ScreeningStatus.choices,
        },
    )


def _screened_buddy(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, buddy_uuid: UUID
) -> tuple[Programme, Buddy]:
    """The applicant of one of the user's programmes (404 for anyone else's)."""
    programme = _screening_programme(request, programme_uuid)
    buddy = get_object_or_404(
        policy.buddies_visible_to(request.user, Buddy.objects.all())
        .filter(programmes=programme)
        .select_related("user", "training_institution", "home_postcode__municipality"),
        uuid=buddy_uuid,
    )
    return programme, buddy


def _screening_page(
    request: AuthenticatedHttpRequest,
    programme: Programme,
    buddy: Buddy,
    *,
    decline_form: forms.Form | None = None,
    suspend_form: forms.Form | None = None,
    extract_form: forms.Form | None = None,
    level_form: forms.Form | None = None,
) -> HttpResponse:
    """The applicant's page; a decision that failed comes back with its form bound."""
    audit_view(actor=request.user, target=buddy)
    return render(
        request,
        "buddies/screening_detail.html",
        {
            "programme": programme,
            "buddy": buddy,
            "decline_form": decline_form or DeclineForm(prefix="decline"),
            "suspend_form": suspend_form or SuspendForm(prefix="suspend"),
            "extract_form": extract_form
            or ExtractForm(prefix="extract", initial={"seen_on": timezone.localdate()}),
            "level_form": level_form or LevelForm(prefix="level", initial={"level": buddy.level}),
            "may_meet_minors": rules.buddy_may_meet_minors(buddy, programme=programme),
            # issue 21: the mentor's or role model's own path (the coordinator sees it)
            "buddy_path": buddy_path(buddy)
            if policy.can_see_buddy_path(request.user, buddy, programme_id=programme.pk)
            else None,
            "extract_valid_until": rules.buddy_extract_valid_until(buddy, programme),
            "missing_modules": learning_selectors.missing_required_modules(
                buddies=[buddy], programme=programme
            ).get(buddy.pk, []),
            "attended_events": learning_selectors.attendance_count(buddy),
            "changes": buddy.status_changes.select_related("actor", "programme").order_by("-at")[
                :20
            ],
            # The screening decision is the person's, for every programme they joined: say
            # which other programmes it also counts for.
            "other_programmes": list(
                buddy.programmes.exclude(pk=programme.pk)
                .order_by("name")
                .values_list("name", flat=True)
            ),
        },
    )


@require_GET
def screening_detail(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, buddy_uuid: UUID
) -> HttpResponse:
    programme, buddy = _screened_buddy(request, programme_uuid, buddy_uuid)
    return _screening_page(request, programme, buddy)


def _screening_decision(
    service: Callable[..., object],
    done: StrOrPromise,
    *,
    form_class: type[forms.Form] | None = None,
    prefix: str = "",
    back_to_queue: bool = False,
) -> Callable[..., HttpResponse]:
    """One screening decision as its own POST endpoint: the service gets the form's
    fields; a refusal comes back on the page, on the decision's form where it has one."""

    @require_POST
    def view(
        request: AuthenticatedHttpRequest, programme_uuid: UUID, buddy_uuid: UUID
    ) -> HttpResponse:
        programme, buddy = _screened_buddy(request, programme_uuid, buddy_uuid)
        form = (form_class or forms.Form)(request.POST, prefix=prefix or None)
        if (
            form.is_valid()
            and form_submit(
                form,
                lambda: service(
                    actor=request.user, buddy=buddy, programme=programme, **form.cleaned_data
                ),
            )
            is not None
        ):
            messages.success(request, done)
            if back_to_queue:
                return redirect("buddies:screening_queue", programme_uuid=programme.uuid)
            return redirect("buddies:screening_detail", programme.uuid, buddy.uuid)
        if form_class is None:  # no form on the page to carry the refusal
            for message in form.non_field_errors():
                messages.error(request, str(message))
            return _screening_page(request, programme, buddy)
        return _screening_page(request, programme, buddy, **{f"{prefix}_form": form})

    return view


screening_approve = _screening_decision(
    services.buddy_approve,
    gettext_lazy("The applicant is approved and gets a mail."),
    back_to_queue=True,
)
screening_reopen = _screening_decision(
    services.buddy_reopen, gettext_lazy("The applicant is back in the queue.")
)
screening_decline = _screening_decision(
    services.buddy_decline,
    gettext_lazy("The applicant is declined and gets a mail."),
    form_class=DeclineForm,
    prefix="decline",
    back_to_queue=True,
)
screening_suspend = _screening_decision(
    services.buddy_suspend,
    gettext_lazy("The buddy is suspended: their duos are paused and their proposals withdrawn."),
    form_class=SuspendForm,
    prefix="suspend",
)
screening_reinstate = _screening_decision(
    services.buddy_reinstate,
    gettext_lazy("The buddy is reinstated. Resume each paused duo yourself."),
)
screening_extract = _screening_decision(
    services.buddy_record_extract,
    gettext_lazy("The date of the extract is saved."),
    form_class=ExtractForm,
    prefix="extract",
)
screening_level = _screening_decision(
    services.buddy_set_level,
    gettext_lazy("The level is saved."),
    form_class=LevelForm,
    prefix="level",
)


# --- Import (programme coordinators) ------------------------------------------------------


def _import_programme(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> Programme:
    """A programme the user imports buddies for: 403 for a role that never imports, 404
    for another programme (issue 11)."""
    if not policy.can_import_any_buddies(request.user):
        raise PermissionDenied
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    if not policy.can_import_buddies(request.user, programme):
        raise Http404
    return programme


def import_upload(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    programme = _import_programme(request, programme_uuid)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = importer.buddy_import_start(
                    actor=request.user,
                    programme=programme,
                    training_institution=form.cleaned_data["training_institution"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                # Every refusal here is about the file itself: show it beside the input.
                errors_to_form(form, ValidationError({"file": exc.error_list}))
            else:
                return redirect("buddies:import_detail", programme.uuid, job.uuid)
    imports = (
        BuddyImport.objects.filter(programme=programme)
        .select_related("training_institution", "created_by")
        .defer("content")[:20]
    )
    return render(
        request,
        "buddies/import_upload.html",
        {"programme": programme, "form": form, "imports": imports},
    )


def import_template(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, file_format: str
) -> HttpResponse:
    _import_programme(request, programme_uuid)
    if file_format not in {"csv", "xlsx"}:
        raise Http404
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(importer.COLUMNS)
        writer.writerow(importer.EXAMPLE_ROW)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="buddies-sjabloon.csv"'
        return response
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "buddies"
    sheet.append(importer.COLUMNS)
    sheet.append(importer.EXAMPLE_ROW)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="buddies-sjabloon.xlsx"'
    return response


def _import_job(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, import_uuid: UUID
) -> tuple[Programme, BuddyImport]:
    programme = _import_programme(request, programme_uuid)
    job = get_object_or_404(
        BuddyImport.objects.filter(programme=programme).defer("content"), uuid=import_uuid
    )
    return programme, job


@require_GET
def import_detail(
    request: AuthenticatedHttpRequest, programme_uuid: UUID, import_uuid: UUID
) -> HttpResponse:
    programme, job = _import_job(request, programme_uuid, import_uuid)
    context = {"programme": programme, "job": job}
    if getattr(request, "htmx", False):
        if not job.is_running:
            # Finished: let htmx reload the whole page, which shows the result.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "buddies/import_detail.html#progress", context)
    return render(request, "buddies/import_detail.html", context)


def _import_step(service: Callable[..., object], doc: str) -> Callable[..., HttpResponse]:
    @require_POST
    def view(
        request: AuthenticatedHttpRequest, programme_uuid: UUID, import_uuid: UUID
    ) -> HttpResponse:
        programme, job = _import_job(request, programme_uuid, import_uuid)
        try:
            service(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("buddies:import_detail", programme.uuid, job.uuid)

    view.__doc__ = doc
    return view


import_confirm = _import_step(importer.buddy_import_confirm, "Import the rows of a clean dry run.")
import_retry = _import_step(importer.buddy_import_retry, "Run a failed import's dry run again.")
