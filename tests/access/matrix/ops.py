"""Operations: the probes of load balancers and orchestrators answer everyone alike (no
sign-in, no personal data), whoever asks."""

from tests.access.matrix import Route, outcomes

ROUTES = [
    Route("healthz", outcomes(200)),
    Route("readyz", outcomes(200)),
    Route("healthz", outcomes(405), method="post"),
    Route("readyz", outcomes(405), method="post"),
]
