from django.urls import path

from . import views

app_name = "trajectories"

urlpatterns = [
    path("", views.trajectory_list, name="list"),
    path("new/", views.trajectory_start, name="start"),
    path("<uuid:trajectory_uuid>/", views.trajectory_detail, name="detail"),
    path("<uuid:trajectory_uuid>/agreements/", views.agreement_edit, name="agreement_edit"),
    path(
        "<uuid:trajectory_uuid>/agreements/confirm/",
        views.agreement_confirm,
        name="agreement_confirm",
    ),
    path(
        "<uuid:trajectory_uuid>/insurance/confirm/",
        views.insurance_confirm,
        name="insurance_confirm",
    ),
    path("<uuid:trajectory_uuid>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<uuid:trajectory_uuid>/meetings/plan/", views.meeting_plan, name="meeting_plan"),
    path(
        "<uuid:trajectory_uuid>/meetings/<uuid:meeting_uuid>/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path("<uuid:trajectory_uuid>/wellbeing/new/", views.wellbeing_create, name="wellbeing_create"),
    path("<uuid:trajectory_uuid>/pause/", views.trajectory_pause, name="pause"),
    path("<uuid:trajectory_uuid>/resume/", views.trajectory_resume, name="resume"),
    path("<uuid:trajectory_uuid>/close/", views.trajectory_close, name="close"),
    path("<uuid:trajectory_uuid>/evaluation/", views.trajectory_evaluate, name="evaluate"),
    path(
        "<uuid:trajectory_uuid>/certificate.pdf",
        views.trajectory_certificate,
        name="certificate",
    ),
]

# The follow-up of duos (followup_views): tandem, concerns, kijkwijzer, check-ins, surveys.
from . import followup_views  # noqa: E402

urlpatterns += [
    path("followup/", followup_views.followup_overview, name="followup_overview"),
    path("followup/kijkwijzer/", followup_views.criteria_edit, name="criteria_edit"),
    path("<uuid:trajectory_uuid>/followup/", followup_views.duo_followup, name="followup"),
    path("<uuid:trajectory_uuid>/tandem/", followup_views.tandem, name="tandem"),
    path(
        "<uuid:trajectory_uuid>/concerns/new/",
        followup_views.concern_create,
        name="concern_create",
    ),
    path(
        "<uuid:trajectory_uuid>/concerns/<uuid:concern_uuid>/acknowledge/",
        followup_views.concern_acknowledge,
        name="concern_acknowledge",
    ),
    path(
        "<uuid:trajectory_uuid>/kijkwijzer/new/",
        followup_views.observation_create,
        name="observation_create",
    ),
    path(
        "<uuid:trajectory_uuid>/kijkwijzer/<uuid:observation_uuid>/",
        followup_views.observation_detail,
        name="observation_detail",
    ),
    path(
        "<uuid:trajectory_uuid>/actions/<uuid:action_uuid>/done/",
        followup_views.action_done,
        name="action_done",
    ),
    path(
        "<uuid:trajectory_uuid>/checkins/new/",
        followup_views.checkin_create,
        name="checkin_create",
    ),
    path(
        "<uuid:trajectory_uuid>/surveys/<str:respondent>/",
        followup_views.survey_create,
        name="survey_create",
    ),
]
