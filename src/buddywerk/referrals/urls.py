from django.urls import path

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
    path("<uuid:referral_uuid>/edit/", views.referral_edit, name="edit"),
    path("<uuid:referral_uuid>/submit/", views.referral_submit, name="submit"),
    path("<uuid:referral_uuid>/withdraw/", views.referral_withdraw, name="withdraw"),
    path(
        "<uuid:referral_uuid>/consent/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:referral_uuid>/decide/", views.referral_decide, name="decide"),
    path("<uuid:referral_uuid>/accept/", views.referral_accept, name="accept"),
    path("<uuid:referral_uuid>/wait/", views.referral_wait, name="wait"),
    path("<uuid:referral_uuid>/decline/", views.referral_decline, name="decline"),
]
