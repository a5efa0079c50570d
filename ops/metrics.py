"""Prometheus metrics for /metrics (README "Operating EdPool").

Two kinds, told apart by where they come from:
- request metrics (django-prometheus's middleware: `django_http_*`, latencies by route name and
  method, never the raw path). Each gunicorn worker counts its own requests: with
  PROMETHEUS_MULTIPROC_DIR set (a folder per server, emptied before gunicorn starts, and
  gunicorn's `child_exit` calling `prometheus_client.multiprocess.mark_process_dead`), prometheus_client's
  multiprocess mode adds up the workers of one server, so a scrape of any worker gives the whole
  server. Prometheus scrapes every application server (they differ).
- business gauges and counters (`edpool_*`): computed from the database at scrape time, so every
  server answers the same figures (take one, or max() across servers): the task queue's depth,
  bids received per solicitation in the last hour (counts only, never prices), orders placed,
  award-engine runs.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from jobs.selectors import queue_depth
from orders.selectors import orders_placed_count
from sourcing.selectors import award_engine_runs, bids_received_since

FINISHED = ("done", "failed", "cancelled")


class BusinessCollector:
    """Reads the database once per scrape."""

    def collect(self):
        depth = GaugeMetricFamily(
            "edpool_task_queue_depth",
            "Background tasks waiting for a worker (ready) or running, by queue.",
            labels=["queue", "status"])
        for key, count in sorted(queue_depth().items()):
            queue, _, status = key.partition(":")
            depth.add_metric([queue, status], count)
        yield depth

        bids = GaugeMetricFamily(
            "edpool_bids_received_last_hour",
            "Bids received (first ones and replacements) in the last hour, by solicitation number.",
            labels=["solicitation"])
        for number, count in sorted(bids_received_since(since=timezone.now() - timedelta(hours=1)).items()):
            bids.add_metric([number], count)
        yield bids

        orders = CounterMetricFamily("edpool_orders_placed", "Orders placed by districts, ever.")
        orders.add_metric([], orders_placed_count())
        yield orders

        runs = award_engine_runs()
        finished = CounterMetricFamily(
            "edpool_award_engine_runs", "Award-engine runs (award-plan jobs) that ended, by outcome.",
            labels=["outcome"])
        active = GaugeMetricFamily(
            "edpool_award_engine_runs_active", "Award-engine runs queued or running now.",
            labels=["state"])
        for state, count in sorted(runs.items()):
            (finished if state in FINISHED else active).add_metric([state], count)
        yield finished
        yield active


def exposition() -> bytes:
    """The text Prometheus reads: this server's request metrics, then the business figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessCollector())
    return generate_latest(registry) + generate_latest(business)
