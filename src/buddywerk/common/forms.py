"""From a form to a service, one way (ARCHITECTURE.md 7).

A view validates its form, then calls a service; the service has the last word and may
raise `ValidationError` for a rule the form cannot see (a closed duo, a full event, a
consent date before the pupil's birth). `form_submit` runs the call and puts any such
error on the form, on the field it names where the form has that field, so the page shows
it beside the input, and nothing was changed. A step without a form (a button) goes
through `message_submit`: the service's refusal becomes error messages instead.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on `form`: per field where it names one the form
    has, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_submit[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run `call` (a service) for a valid `form`; on ValidationError show it on the form and
    return None. Other errors (PermissionDenied, Http404) pass through to the view."""
    try:
        return call()
    except ValidationError as error:
        errors_to_form(form, error)
        return None


def message_submit[T](request: HttpRequest, call: Callable[[], T], done: str) -> T | None:
    """Run `call` (a service) for a step without a form: done, `done` is shown as a success
    message; refused with a ValidationError, each reason is shown as an error message and
    None comes back. Other errors (PermissionDenied, Http404) pass through to the view."""
    try:
        result = call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, done)
    return result


def guard_choice_overflow() -> None:
    """A choice of an object by number that no column can hold ("99999999999999999999") is
    not one of the choices: every ModelChoiceField and ModelMultipleChoiceField says so as
    a field error. Without this, SQLite's driver raises OverflowError on the lookup of a
    child model's primary key (a relation, which Django's own overflow guard of integer
    lookups does not cover) and the page answers 500. Installed once, in CommonConfig."""
    for cls, name in (
        (forms.ModelChoiceField, "to_python"),
        (forms.ModelMultipleChoiceField, "_check_values"),
    ):
        original = getattr(cls, name)
        if getattr(original, "overflow_guarded", False):
            continue

        def guarded(self, value, _original=original):  # type: ignore[no-untyped-def]
            try:
                return _original(self, value)
            except OverflowError:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                ) from None

        guarded.overflow_guarded = True  # type: ignore[attr-defined]
        setattr(cls, name, guarded)
