from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import dashboards


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The public welcome page, or the signed-in user's figures for each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "reports/welcome.html")
    return render(request, "reports/home.html", {"panels": dashboards.panels_for(request.user)})
