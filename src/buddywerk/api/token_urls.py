from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<uuid:token_uuid>/revoke/", views.token_revoke, name="revoke"),
]
