from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention_list, name="retention"),
    path("retention/<uuid:programme_uuid>/", views.retention_edit, name="retention_edit"),
]
