"""The URL map. Every route is in the access matrix (tests/access/test_access_matrix.py)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from buddywerk.api.urls import api_v1_urls
from buddywerk.common import health
from buddywerk.common import views as common_views
from buddywerk.referrals import views as referral_views
from buddywerk.reports import views as report_views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", report_views.home, name="home"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("privacy/", common_views.privacy, name="privacy"),
    path("privacy/", include("buddywerk.privacy.urls")),
    # Probes of load balancers and orchestrators: no sign-in, no personal data.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("buddywerk.organisations.urls")),
    path("buddies/", include("buddywerk.buddies.urls")),
    path("referrals/", include("buddywerk.referrals.urls")),
    path("matching/", include("buddywerk.matching.urls")),
    path("duos/", include("buddywerk.trajectories.urls")),
    path("duos/", include("buddywerk.followup.urls")),
    path("expenses/", include("buddywerk.expenses.urls")),
    path("learning/", include("buddywerk.learning.urls")),
    path("network/", include("buddywerk.network.urls")),
    path("reports/", include("buddywerk.reports.urls")),
    path("grants/", include("buddywerk.funds.urls")),
    path("coverage/", include("buddywerk.coverage.urls")),
    path("internships/", include("buddywerk.internships.urls")),
    # The API (issue 18): tokens, not sessions, authenticate it (buddywerk.api).
    path("api/v1/", api_v1_urls),
    path("api/tokens/", include("buddywerk.api.token_urls")),
    path("api/webhooks/", include("buddywerk.api.webhook_urls")),
    path("pupils/", referral_views.pupil_list, name="pupil_list"),
    path("pupils/<uuid:pupil_uuid>/", referral_views.pupil_detail, name="pupil_detail"),
]

handler403 = "buddywerk.common.views.permission_denied"
handler404 = "buddywerk.common.views.page_not_found"
handler500 = "buddywerk.common.views.server_error"
