"""Pages for machines (ops): probes and metrics. No sign-in, never a redirect to it, the same
answer whoever asks. In the test world no `edpool worker` runs, so /readyz is truthfully 503, and
no EDPOOL_METRICS_TOKEN is configured, so /metrics does not exist (ops/tests say the rest)."""

from tests.authz.common import expect

PAGES = {
    "healthz": (lambda c: {}, expect(200)),
    "readyz": (lambda c: {}, expect(503)),
    "metrics": (lambda c: {}, expect(404)),
}
