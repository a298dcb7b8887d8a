from django.urls import path

from . import webhook_views

app_name = "api_webhooks"

urlpatterns = [
    path("", webhook_views.webhook_page, name="list"),
    path(
        "<uuid:webhook_uuid>/unsubscribe/",
        webhook_views.webhook_unsubscribe_view,
        name="unsubscribe",
    ),
]
