from django.urls import path

from . import purge_views, views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention_list, name="retention"),
    path("retention/<uuid:programme_uuid>/", views.retention_edit, name="retention_edit"),
    path("purge/", purge_views.purge_plan_view, name="purge"),
]
