"""A form sent twice makes one thing (issue 16, point 2).

Every create form carries a one-time token: the `{% once_token %}` tag (a builtin, see
`common/templatetags/once.py`) renders it as a hidden field in the pages of a view
decorated with `@submit_once`. The decorator runs the whole POST in one transaction; when
the view made its record it calls `once_made(request, record)`, and the decorator stores
the token with the record and the page the view leads to (`UsedFormToken`) in that same
transaction. The same form sent again (back and resubmit, a double click, a retry after a
lost answer) finds the token and leads to that page with a message instead of calling the
service again: no second record, no second mail (the mail is written by the service, in
the transaction that did not run). Two sends at the same moment both reach the insert of
the token; the unique constraint refuses the second, whose whole transaction (record and
mail included) rolls back, and it too shows the first one's result.

Back and resubmit: the form pages are never cached (`no-store`), so the browser's back
button asks for the page again, with a fresh token, and the browser puts the values the
person typed back into the fields. So the decorator also stores a fingerprint of the send
(a hash of the path and the values, `_fingerprint`); the same values sent to the same page
by the same person within `RESEND_MINUTES` count as the same send, whatever the token.

A POST without a token (the API, an old page) is not protected; a refusal (a form error,
a 404, a duo closed meanwhile) stores nothing, so the corrected form can be sent again with
the same token. Tokens are per user; `once_tokens_purge` forgets them after
`KEEP_DAYS` (a page kept open that long gets a fresh token when it is reloaded).
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import UsedFormToken

FIELD = "once_token"
KEEP_DAYS = 30
RESEND_MINUTES = 60
# Not part of what the person sent: they change with every page view.
_NOT_CONTENT = {FIELD, "csrfmiddlewaretoken"}

View = Callable[..., HttpResponse]


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    """The token a POST carries, or None (missing or not a token)."""
    value = request.POST.get(FIELD, "") if request.method == "POST" else ""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def once_made(request: HttpRequest, record: Any) -> None:
    """The view made `record` from this POST: its token now stands for it."""
    request._once_made = record  # type: ignore[attr-defined]


def _already_sent(request: HttpRequest, used: UsedFormToken) -> HttpResponse:
    messages.info(
        request,
        _("You had already sent this form: it was saved once. Here is what it made."),
    )
    return redirect(used.redirect_to)


def _fingerprint(request: HttpRequest) -> str:
    """A hash of the page and the values sent (files by name and size)."""
    digest = hashlib.sha256(request.path.encode())
    for name in sorted(set(request.POST) - _NOT_CONTENT):
        for value in request.POST.getlist(name):
            digest.update(f"\0{name}\0{value.strip()}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\0{name}\0{upload.name}\0{upload.size}".encode())
    return digest.hexdigest()


def _user_id(request: HttpRequest) -> int:
    """The signed-in user's id (create forms are behind the login)."""
    pk = request.user.pk
    if pk is None:
        raise PermissionDenied
    return int(pk)


def _used(request: HttpRequest, token: uuid.UUID, fingerprint: str) -> UsedFormToken | None:
    since = timezone.now() - dt.timedelta(minutes=RESEND_MINUTES)
    return (
        UsedFormToken.objects.filter(user_id=_user_id(request))
        .filter(Q(token=token) | Q(fingerprint=fingerprint, used_at__gte=since))
        .order_by("-used_at")
        .first()
    )


def submit_once(view: View) -> View:
    """Protect a create view: see the module docstring. Put it below the decorators that
    turn refusals into redirects (e.g. `duo_write_view`), so a refusal stores nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.once_protected = True  # type: ignore[attr-defined]
        token = posted_token(request)
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        used = _used(request, token, fingerprint)
        if used is not None:
            return _already_sent(request, used)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                record = getattr(request, "_once_made", None)
                if record is not None and 300 <= response.status_code < 400:
                    _store(request, token, fingerprint, record, response["Location"])
        except IntegrityError:
            # Sent twice at the same moment: the other send made it, this one changed
            # nothing (its transaction rolled back).
            used = _used(request, token, fingerprint)
            if used is None:
                raise
            return _already_sent(request, used)
        return response

    return wrapper


def _store(
    request: HttpRequest, token: uuid.UUID, fingerprint: str, record: Any, location: str
) -> None:
    content_type = object_id = None
    if isinstance(record, models.Model):
        content_type = ContentType.objects.get_for_model(record)
        object_id = str(record.pk)
    UsedFormToken.objects.create(
        user_id=_user_id(request),
        token=token,
        fingerprint=fingerprint,
        content_type=content_type,
        object_id=object_id or "",
        redirect_to=location,
    )


def token_for(request: HttpRequest) -> str:
    """The token a form page renders: the one its POST carried (the form shown again with
    its errors keeps it), else a fresh one."""
    token = posted_token(request)
    return str(token or uuid.uuid4())


def once_tokens_purge(*, now: dt.datetime | None = None) -> int:
    """Forget tokens older than KEEP_DAYS (the daily scheduled run); returns how many."""
    limit = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _detail = UsedFormToken.objects.filter(used_at__lt=limit).delete()
    return deleted
