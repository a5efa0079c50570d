"""Recomputing a district's savings after it states prior prices (joining an agreement) or
submits a survey with "price paid now": in the background (`edpool worker`), not in the request.
At about 400 lines a second, a district with thousands of lines would wait seconds otherwise.

The job is safe to run twice and to lose mid-way: it recomputes, in chunks of 2,000 lines each in
its own transaction, every counted line of the district whose product has a prior price stated
or whose category has a price declared (read when it runs, not when it was queued), and each
chunk's rows (and their rollup buckets) are a pure function of the orders and those prices
(analytics.savings.refresh_line_savings). A rerun, or a retry after a worker died, writes the
same rows. The job's subject is the saved participation or survey response, so a double submit
queues one job; jobs.selectors.active_jobs lets the savings pages say the figures are being updated.
"""

from __future__ import annotations

from typing import Optional

from accounts.acting import Actor

SAVINGS_RECOMPUTE_JOB = "analytics.savings_recompute"
CHUNK = 2000


def savings_recompute_queue(*, district_id: int, subject) -> None:
    """Queue the recomputation (called on commit of the service that stated the prices)."""
    from jobs.services import job_enqueue

    job_enqueue(kind=SAVINGS_RECOMPUTE_JOB, params={"district_id": district_id},
                actor=Actor.system("savings recompute"), subject=subject)


def lines_to_recompute(district_id: int) -> list[int]:
    from contracts.selectors.participation import prior_prices_stated
    from orders.selectors import counted_line_ids_of_district
    from surveys.selectors import current_prices_declared

    products = {p for (_, p) in prior_prices_stated(district_ids=[district_id])}
    categories = {c for (_, c, _k) in current_prices_declared(district_ids=[district_id])}
    ids: set[int] = set()
    if products:
        ids |= set(counted_line_ids_of_district(district_id, product_ids=products))
    if categories:
        ids |= set(counted_line_ids_of_district(district_id, category_ids=categories))
    return sorted(ids)


def savings_recompute_job(ctx) -> None:
    from analytics.savings import refresh_line_savings

    district_id = int(ctx.params["district_id"])
    ids = lines_to_recompute(district_id)
    for start in range(0, len(ids), CHUNK):
        refresh_line_savings(ids[start:start + CHUNK])  # one transaction per chunk
        ctx.progress(f"Recomputed {min(start + CHUNK, len(ids)):,} of {len(ids):,} order lines.",
                     lines=min(start + CHUNK, len(ids)))
    ctx.complete(summary=f"Savings recomputed for {len(ids):,} order lines.")


def districts_updating(district_id: Optional[int] = None) -> set[int]:
    """Districts whose savings are being recomputed now (all, or just this one if it is)."""
    from jobs.selectors import active_jobs

    found = {int(job.params.get("district_id", 0)) for job in active_jobs(kind=SAVINGS_RECOMPUTE_JOB)}
    return found if district_id is None else found & {district_id}
