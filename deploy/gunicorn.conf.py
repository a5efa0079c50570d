"""gunicorn settings for one EdPool application server (`gunicorn -c deploy/gunicorn.conf.py
edpool.wsgi`). Everything that differs between servers comes from the environment, so the same
file serves every instance of the systemd template unit `edpool-web@PORT.service`:

  EDPOOL_BIND          where to listen, default 127.0.0.1:8001 (the unit passes its instance's port;
                       on an application server of its own: its private address, e.g. 10.0.0.11:8001)
  EDPOOL_WEB_WORKERS   worker processes, default 3 (on 2 cores; about 1 + cores)
  EDPOOL_WEB_THREADS   threads per worker, default 8 (gthread: a request waiting on the database
                       leaves its worker free for others, which a bid-deadline rush needs; see
                       `edpool bench deadline-rush`)
  EDPOOL_WEB_TIMEOUT   seconds a request may take before its worker is restarted, default 30 (keep
                       BID_OPENING_DELAY_SECONDS at least this, and nginx's proxy_read_timeout above)
  PROMETHEUS_MULTIPROC_DIR  a folder of this server's own for the workers' request metrics
                       (README "Operating EdPool"); the unit empties it before gunicorn starts
  FORWARDED_ALLOW_IPS  addresses whose X-Forwarded-* headers gunicorn trusts, default 127.0.0.1 (the
                       nginx machine's address when nginx runs elsewhere)
"""

import os

bind = [os.environ.get("EDPOOL_BIND", "127.0.0.1:8001")]
worker_class = "gthread"
workers = int(os.environ.get("EDPOOL_WEB_WORKERS", "3"))
threads = int(os.environ.get("EDPOOL_WEB_THREADS", "8"))
timeout = int(os.environ.get("EDPOOL_WEB_TIMEOUT", "30"))
# On SIGTERM (systemctl stop/restart) requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("EDPOOL_WEB_GRACEFUL_TIMEOUT", "30"))
# nginx keeps connections to the upstream open (keepalive 32): a little longer than its own idle time.
keepalive = 35
# A worker is replaced after this many requests (with jitter, so not all at once): bounds any slow leak.
max_requests = int(os.environ.get("EDPOOL_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to standard output/error: journald (systemd) keeps them.
accesslog = os.environ.get("EDPOOL_WEB_ACCESS_LOG", "-")
errorlog = os.environ.get("EDPOOL_WEB_ERROR_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'
proc_name = "edpool-web"
# Each worker imports the application itself: `systemctl reload edpool-web@PORT` (SIGHUP) then
# starts new workers on new code while the old ones finish their requests.
preload_app = False
# gunicorn 25.1+ opens a control socket (for `gunicornc`) at one path per user by default, which
# two instances on one machine (edpool-web@8001, @8002) would fight over: off unless a path is
# given per instance. systemd starts, reloads and stops the servers.
if os.environ.get("EDPOOL_WEB_CONTROL_SOCKET"):
    control_socket = os.environ["EDPOOL_WEB_CONTROL_SOCKET"]
else:
    control_socket_disable = True



def child_exit(server, worker):
    """A worker that ended leaves its request metrics to the others (prometheus_client's
    multiprocess mode: its live gauges are dropped, its counters and histograms stay summed)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
