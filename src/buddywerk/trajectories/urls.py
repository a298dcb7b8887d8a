from django.urls import path

from . import family_message_views, group_views, meeting_views, views

app_name = "trajectories"

urlpatterns = [
    path("", views.trajectory_list, name="list"),
    path("new/", views.trajectory_start, name="start"),
    # Issue 20, point 4: a family programme's group activities.
    path("group-activities/", group_views.group_activity_list, name="group_activity_list"),
    path(
        "group-activities/new/",
        group_views.group_activity_create,
        name="group_activity_create",
    ),
    path(
        "group-activities/<uuid:activity_uuid>/",
        group_views.group_activity_detail,
        name="group_activity_detail",
    ),
    # Issue 20, point 4: short messages to a family's contact person.
    path(
        "message-texts/", family_message_views.message_template_list, name="message_template_list"
    ),
    path(
        "message-texts/<uuid:programme_uuid>/",
        family_message_views.message_template_edit,
        name="message_template_edit",
    ),
    path("<uuid:trajectory_uuid>/", views.trajectory_detail, name="detail"),
    path(
        "<uuid:trajectory_uuid>/family-contact/",
        family_message_views.family_contact,
        name="family_contact",
    ),
    path(
        "<uuid:trajectory_uuid>/family-contact/withdraw/",
        family_message_views.family_contact_withdraw,
        name="family_contact_withdraw",
    ),
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
    path(
        "<uuid:trajectory_uuid>/meetings/<uuid:meeting_uuid>/cancel/",
        meeting_views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "<uuid:trajectory_uuid>/meetings/<uuid:meeting_uuid>/move/",
        meeting_views.meeting_move,
        name="meeting_move",
    ),
    path(
        "<uuid:trajectory_uuid>/meetings/<uuid:meeting_uuid>/delete/",
        meeting_views.meeting_delete,
        name="meeting_delete",
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
    path("<uuid:trajectory_uuid>/concerns/new/", views.concern_create, name="concern_create"),
    path(
        "<uuid:trajectory_uuid>/concerns/<uuid:concern_uuid>/acknowledge/",
        views.concern_acknowledge,
        name="concern_acknowledge",
    ),
    # A concern is a case (issue 13, point 5): its page with its history, one POST per step.
    path(
        "<uuid:trajectory_uuid>/concerns/<uuid:concern_uuid>/",
        views.concern_detail,
        name="concern_detail",
    ),
    path(
        "<uuid:trajectory_uuid>/concerns/<uuid:concern_uuid>/outcome/",
        views.concern_outcome,
        name="concern_outcome",
    ),
    path(
        "<uuid:trajectory_uuid>/concerns/<uuid:concern_uuid>/close/",
        views.concern_close,
        name="concern_close",
    ),
]
