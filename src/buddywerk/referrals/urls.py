from django.urls import path

from buddywerk.common.urls import actions

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/pupil/", views.referral_create_pupil, name="create_pupil"),
    path("new/family/", views.referral_create_family, name="create_family"),
    path("queue/", views.referral_queue, name="queue"),
    path("consent-texts/", views.consent_text_list, name="consent_texts"),
    path(
        "consent-texts/<uuid:programme_uuid>/",
        views.consent_text_publish,
        name="consent_text_publish",
    ),
    path("<uuid:referral_uuid>/", views.referral_detail, name="detail"),
    *actions("<uuid:referral_uuid>/", views, "referral", ["edit", "submit", "withdraw"], named=""),
    path(
        "<uuid:referral_uuid>/consent/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    *actions(
        "<uuid:referral_uuid>/",
        views,
        "referral",
        ["decide", "accept", "wait", "decline"],
        named="",
    ),
]
