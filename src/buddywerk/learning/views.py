"""Pages of the academy and the events. Views: guard, load (scoped), validate, service,
render."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buddywerk.access import policy
from buddywerk.common.forms import form_submit
from buddywerk.common.http import AuthenticatedHttpRequest
from buddywerk.common.once import once_made, submit_once
from buddywerk.organisations.models import Programme

from . import forms, selectors, services
from .calendar import calendar_for
from .markdown import render_markdown
from .models import CalendarFeed, Event, Module, Registration


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Events ------------------------------------------------------------------------------


def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "learning/event_list.html", {"events": selectors.event_list(user=request.user)}
    )


def event_detail(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    event = get_object_or_404(
        policy.events_visible_to(request.user, Event.objects.all()).select_related("programme"),
        uuid=event_uuid,
    )
    registration = selectors.registration_of(user=request.user, event=event)
    return render(
        request,
        "learning/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "position": selectors.waiting_position(registration)
            if registration and registration.status == "waiting"
            else None,
            "taken": event.registrations.filter(status="registered").count(),
            "can_manage_event": policy.can_manage_event(request.user, event),
            "can_register": policy.can_register_for_event(request.user, event),
        },
    )


@require_POST
def event_register(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    if not policy.can_register_for_events(request.user):
        raise PermissionDenied
    event = get_object_or_404(
        policy.events_visible_to(request.user, Event.objects.all()), uuid=event_uuid
    )
    try:
        registration = services.registration_create(actor=request.user, event=event)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        if registration.status == "registered":
            messages.success(request, _("You are registered."))
        else:
            messages.info(
                request,
                _(
                    "The event is full. You are on the waiting list; we mail you when a place "
                    "comes free."
                ),
            )
    return redirect("learning:event_detail", event_uuid=event.uuid)


@require_POST
def registration_cancel(request: AuthenticatedHttpRequest, registration_uuid: UUID) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("event"), uuid=registration_uuid
    )
    if not policy.can_cancel_registration(request.user, registration):
        raise Http404
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("The registration is cancelled."))
    # The person goes back to the event, the organiser to the event's registrations.
    if registration.user_id == request.user.pk:
        return redirect("learning:event_detail", event_uuid=registration.event.uuid)
    return redirect("learning:event_manage", event_uuid=registration.event.uuid)


@require_http_methods(["GET", "POST"])
@submit_once
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_organise_events(request.user):
        raise PermissionDenied
    form = forms.EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form_submit(
            form, lambda: services.event_create(actor=request.user, fields=form.cleaned_data)
        )
        if event is not None:
            once_made(request, event)
            messages.success(request, _("The event is created."))
            return redirect("learning:event_manage", event_uuid=event.uuid)
    return render(request, "learning/event_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    """The organiser changes an event (date, place, places, audience...)."""
    event = _organised_event(request, event_uuid)
    form = forms.EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form's instance holds the new values already; the service rereads the row.
        fields = {name: form.cleaned_data[name] for name in form.fields}
        if (
            form_submit(
                form,
                lambda: services.event_update(
                    actor=request.user, event=Event.objects.get(pk=event.pk), fields=fields
                ),
            )
            is not None
        ):
            messages.success(request, _("The event is saved."))
            return redirect("learning:event_manage", event_uuid=event.uuid)
    return render(request, "learning/event_form.html", {"form": form, "event": event})


def _organised_event(request: AuthenticatedHttpRequest, event_uuid: UUID) -> Event:
    """An event whose registrations the user manages; 403 for a role that organises none,
    404 for another programme's event."""
    if not policy.can_organise_events(request.user):
        raise PermissionDenied
    event: Event = get_object_or_404(
        policy.events_organised_by(request.user, Event.objects.select_related("programme")),
        uuid=event_uuid,
    )
    return event


def _event_manage_page(
    request: AuthenticatedHttpRequest,
    event: Event,
    registrations: list[Registration],
    *,
    attendance: forms.AttendanceForm | None = None,
    note_form: forms.MeetupNoteForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "learning/event_manage.html",
        {
            "event": event,
            "registrations": registrations,
            "attendance": attendance or forms.AttendanceForm(registrations=registrations),
            "note_form": note_form or forms.MeetupNoteForm(),
            "notes": event.notes.all(),
        },
    )


@require_GET
def event_manage(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    """The organiser's page: registrations, the waiting list, attendance, meet-up notes."""
    event = _organised_event(request, event_uuid)
    return _event_manage_page(request, event, list(selectors.event_registrations(event=event)))


@require_POST
def event_attendance(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    event = _organised_event(request, event_uuid)
    registrations = list(selectors.event_registrations(event=event))
    form = forms.AttendanceForm(request.POST, registrations=registrations)
    if (
        form.is_valid()
        and form_submit(
            form,
            lambda: services.attendance_record(
                actor=request.user,
                event=event,
                present={int(pk) for pk in form.cleaned_data["present"]},
            ),
        )
        is not None
    ):
        messages.success(request, _("Attendance is saved."))
        return redirect("learning:event_manage", event_uuid=event.uuid)
    return _event_manage_page(request, event, registrations, attendance=form)


@require_POST
def event_note(request: AuthenticatedHttpRequest, event_uuid: UUID) -> HttpResponse:
    event = _organised_event(request, event_uuid)
    form = forms.MeetupNoteForm(request.POST)
    if (
        form.is_valid()
        and form_submit(
            form,
            lambda: services.meetup_note_record(
                actor=request.user, event=event, **form.cleaned_data
            ),
        )
        is not None
    ):
        messages.success(request, _("The note is saved for the programme."))
        return redirect("learning:event_manage", event_uuid=event.uuid)
    registrations = list(selectors.event_registrations(event=event))
    return _event_manage_page(request, event, registrations, note_form=form)


def programme_notes(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """[004] What buddies raised at the programme's meet-ups. Another programme's notes are
    not found (404), like any object outside the user's scope."""
    if not policy.can_organise_events(request.user):
        raise PermissionDenied
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    if not policy.can_read_meetup_notes(request.user, programme):
        raise Http404
    return render(
        request,
        "learning/programme_notes.html",
        {
            "programme": programme,
            "notes": selectors.meetup_notes_for(user=request.user, programme=programme),
        },
    )


@require_http_methods(["GET", "POST"])
def required_modules(request: AuthenticatedHttpRequest, programme_uuid: UUID) -> HttpResponse:
    """The programme setting of the modules required before a first duo, and the buddies
    who still miss one. Another programme's setting is not found (404)."""
    if not policy.can_organise_events(request.user):
        raise PermissionDenied
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    if not policy.can_set_required_modules(request.user, programme):
        raise Http404
    form = forms.RequiredModulesForm(
        request.POST or None,
        initial={
            "modules": list(
                Module.objects.filter(
                    required_by__programme=programme, required_by__for_minors=False
                )
            ),
            "minor_modules": list(
                Module.objects.filter(
                    required_by__programme=programme, required_by__for_minors=True
                )
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        form_submit(
            form,
            lambda: services.required_modules_set(
                actor=request.user,
                programme=programme,
                modules=list(form.cleaned_data["modules"]),
                minor_modules=list(form.cleaned_data["minor_modules"]),
            ),
        )
    # Still valid after the service: nothing was refused (the service returns nothing).
    if request.method == "POST" and form.is_valid():
        messages.success(request, _("The required modules are saved."))
        return redirect("learning:required_modules", programme_uuid=programme.uuid)
    return render(
        request,
        "learning/required_modules.html",
        {
            "programme": programme,
            "form": form,
            "missing": selectors.buddies_missing_required_modules(programme=programme),
        },
    )


# --- Academy -------------------------------------------------------------------------


def module_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/module_list.html",
        {"modules": selectors.module_list(user=request.user)},
    )


def _module_form_page(
    request: AuthenticatedHttpRequest, form: forms.ModuleForm, module: Module | None
) -> HttpResponse:
    """The module form; "Preview" shows the body as buddies will see it, saving nothing."""
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        preview = render_markdown(request.POST.get("body", ""))
    return render(
        request, "learning/module_form.html", {"form": form, "module": module, "preview": preview}
    )


def _own_programme(request: AuthenticatedHttpRequest) -> Programme | None:
    """A programme coordinator (who coordinates no region) writes for their programme."""
    if policy.is_platform_admin(request.user) or policy.region_ids(request.user):
        return None
    return policy.programmes_organised_by(request.user, Programme.objects.all()).first()


@require_http_methods(["GET", "POST"])
@submit_once
def module_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_write_modules(request.user):
        raise PermissionDenied
    form = forms.ModuleForm(request.POST or None, user=request.user)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        module = form_submit(
            form,
            lambda: services.module_create(
                actor=request.user,
                fields=form.cleaned_data,
                programme=_own_programme(request),
                required_for=list(form.cleaned_data.get("required_for") or []),
            ),
        )
        if module is not None:
            once_made(request, module)
            messages.success(request, _("The module is saved."))
            return redirect("learning:module_edit", slug=module.slug)
    return _module_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def module_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    if not policy.can_write_modules(request.user):
        raise PermissionDenied
    module = get_object_or_404(
        policy.modules_written_by(request.user, Module.objects.all()), slug=slug
    )
    form = forms.ModuleForm(request.POST or None, instance=module, user=request.user)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.MODULE_FIELDS}
        saved = form_submit(
            form,
            lambda: services.module_update(
                actor=request.user,
                module=Module.objects.get(pk=module.pk),
                fields=fields,
                required_for=list(form.cleaned_data.get("required_for") or []),
            ),
        )
        if saved is not None:
            messages.success(request, _("The module is saved."))
            return redirect("learning:module_edit", slug=saved.slug)
    return _module_form_page(request, form, module)


@require_http_methods(["GET", "POST"])
def module_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    module = get_object_or_404(Module, slug=slug, is_published=True)
    buddy = getattr(request.user, "buddy", None)
    completion = module.completions.filter(buddy=buddy).first() if buddy else None
    form = forms.CompletionForm(
        request.POST or None,
        initial={"reflection": completion.reflection if completion else ""},
    )
    if request.method == "POST":
        if not policy.can_take_modules(request.user):
            raise PermissionDenied
        if (
            form.is_valid()
            and form_submit(
                form,
                lambda: services.module_complete(
                    actor=request.user, module=module, reflection=form.cleaned_data["reflection"]
                ),
            )
            is not None
        ):
            messages.success(request, _("Well done: the module is marked as done."))
            return redirect("learning:module_detail", slug=module.slug)
    return render(
        request,
        "learning/module_detail.html",
        {
            "module": module,
            "body": render_markdown(module.body),
            "completion": completion,
            "form": form,
        },
    )


# --- Calendar ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_have_calendar_feed(request.user):
        raise PermissionDenied
    if request.method == "POST":
        services.calendar_feed_reset(actor=request.user)
        messages.success(request, _("Your calendar link is new. The old link no longer works."))
        return redirect("learning:calendar_settings")
    feed = CalendarFeed.objects.filter(buddy=request.user.buddy).first()
    url = (
        request.build_absolute_uri(reverse("learning:calendar_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "learning/calendar_settings.html", {"feed_url": url})


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The buddy's events as iCalendar, for any calendar app. The secret key is the only
    credential; it can be reset on the calendar page. The feed dies with the account: a
    deactivated account, or a buddy who is not (or no longer) approved, gets 404 and no
    date or place (issue 11)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("buddy__user"), token=token)
    if not policy.can_have_calendar_feed(feed.buddy.user):
        raise Http404
    response = HttpResponse(
        calendar_for(feed.buddy, request=request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="buddywerk.ics"'
    return response
