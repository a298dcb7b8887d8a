"""gunicorn's settings for `buddywerk serve` (`--config python:buddywerk.common.gunicorn_conf`).

The command line of `buddywerk serve` sets the address, workers and threads; this module
holds what does not change: logging through the same JSON formatter as Django (gunicorn's
own lines: boots, worker timeouts, shutdowns), no access log (Django's RequestIdMiddleware
writes one line per request, with the request id and the URL route instead of the path),
and a worker heartbeat on shared memory instead of a disk that may be slow or full.
"""

import os

from buddywerk.common.logs import logging_config

logconfig_dict = logging_config(
    fmt=os.environ.get("LOG_FORMAT", "json"), level=os.environ.get("LOG_LEVEL", "INFO")
)
accesslog = None
proc_name = "buddywerk-web"
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# A request that runs longer than this is cut off and its worker replaced.
timeout = 30
graceful_timeout = 20
# gunicorn's control socket (under the home folder) is not used, and two servers on one
# machine would share it.
control_socket_disable = True
