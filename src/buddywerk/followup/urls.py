"""The follow-up pages, under /duos/ beside the duo's own pages (included after
trajectories' URLs in buddywerk/urls.py). The paths are the ones they had inside the
trajectories app: mail already sent links to them, so they never change."""

from django.urls import path

from . import tandem_views, views

app_name = "followup"

urlpatterns = [
    path("followup/", views.followup_overview, name="overview"),
    path("followup/kijkwijzer/", views.criteria_edit, name="criteria_edit"),
    path(
        "followup/kijkwijzer/<int:criterion_id>/toggle/",
        views.criterion_toggle,
        name="criterion_toggle",
    ),
    path("<uuid:trajectory_uuid>/followup/", views.duo_followup, name="duo"),
    path("<uuid:trajectory_uuid>/tandem/", views.tandem, name="tandem"),
    path(
        "<uuid:trajectory_uuid>/tandem/<uuid:note_uuid>/edit/",
        tandem_views.tandem_note_edit,
        name="tandem_note_edit",
    ),
    path(
        "<uuid:trajectory_uuid>/tandem/<uuid:note_uuid>/delete/",
        tandem_views.tandem_note_delete,
        name="tandem_note_delete",
    ),
    path(
        "<uuid:trajectory_uuid>/kijkwijzer/new/",
        views.observation_create,
        name="observation_create",
    ),
    path(
        "<uuid:trajectory_uuid>/kijkwijzer/<uuid:observation_uuid>/",
        views.observation_detail,
        name="observation_detail",
    ),
    path(
        "<uuid:trajectory_uuid>/actions/<uuid:action_uuid>/done/",
        views.action_done,
        name="action_done",
    ),
    path("<uuid:trajectory_uuid>/checkins/new/", views.checkin_create, name="checkin_create"),
    path(
        "<uuid:trajectory_uuid>/surveys/<str:respondent>/",
        views.survey_create,
        name="survey_create",
    ),
]
