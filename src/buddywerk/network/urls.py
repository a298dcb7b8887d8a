from django.urls import path

from . import qa_views, views

app_name = "network"

urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_submit, name="practice_submit"),
    path("practices/<uuid:practice_uuid>/", views.practice_detail, name="practice_detail"),
    path("practices/<uuid:practice_uuid>/photo/", views.practice_photo, name="practice_photo"),
    path(
        "practices/<uuid:practice_uuid>/change/",
        views.practice_submit,
        name="practice_propose_change",
    ),
    path(
        "practices/confirm/<str:token>/",
        views.practice_submission_confirm,
        name="practice_submission_confirm",
    ),
    path(
        "practices/proposals/<str:token>/edit/",
        views.practice_submission_edit,
        name="practice_submission_edit",
    ),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "moderation/<uuid:submission_uuid>/",
        views.moderation_detail,
        name="moderation_detail",
    ),
    path(
        "moderation/<uuid:submission_uuid>/publish/",
        views.moderation_publish,
        name="moderation_publish",
    ),
    path(
        "moderation/<uuid:submission_uuid>/changes/",
        views.moderation_request_changes,
        name="moderation_request_changes",
    ),
    path(
        "moderation/<uuid:submission_uuid>/reject/",
        views.moderation_reject,
        name="moderation_reject",
    ),
    path(
        "moderation/<uuid:submission_uuid>/photo/",
        views.moderation_photo,
        name="moderation_photo",
    ),
    path("questions/", views.question_list, name="question_list"),
    path("questions/new/", views.question_edit, name="question_create"),
    path("questions/ask/", qa_views.question_ask, name="question_ask"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("services/", views.local_service_list, name="local_service_list"),
    path("services/new/", views.local_service_create, name="local_service_create"),
    path("services/<uuid:service_uuid>/edit/", views.local_service_edit, name="local_service_edit"),
    path(
        "families/<uuid:family_uuid>/introductions/",
        views.service_introduction_create,
        name="service_introduction_create",
    ),
    path(
        "programmes/<uuid:programme_uuid>/services-reached/",
        views.services_reached,
        name="services_reached",
    ),
]
