from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buddywerk.access import policy

from . import selectors


def pupil_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_list_pupils(request.user):
        raise PermissionDenied
    page = Paginator(selectors.pupil_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/pupil_list.html", {"page": page})


def pupil_detail(request: HttpRequest, pupil_uuid: UUID) -> HttpResponse:
    pupil = selectors.pupil_get_for_view(user=request.user, pupil_uuid=pupil_uuid)
    return render(request, "referrals/pupil_detail.html", {"pupil": pupil})
