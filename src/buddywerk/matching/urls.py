from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.matching_home, name="home"),
    path("region/", views.region_batch, name="region_batch"),
    path("programme/<uuid:programme_uuid>/batch/", views.batch, name="batch"),
    path("programme/<uuid:programme_uuid>/settings/", views.matching_settings, name="settings"),
    path("referral/<uuid:referral_uuid>/", views.referral_suggestions, name="referral_suggestions"),
    path("buddy/<uuid:buddy_uuid>/", views.buddy_suggestions, name="buddy_suggestions"),
    path("proposals/", views.my_proposals, name="my_proposals"),
    path("proposals/<uuid:proposal_uuid>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<uuid:proposal_uuid>/accept/", views.proposal_accept, name="proposal_accept"),
    path(
        "proposals/<uuid:proposal_uuid>/decline/", views.proposal_decline, name="proposal_decline"
    ),
    path(
        "proposals/<uuid:proposal_uuid>/confirm/", views.proposal_confirm, name="proposal_confirm"
    ),
    path("proposals/<uuid:proposal_uuid>/refuse/", views.proposal_refuse, name="proposal_refuse"),
]
