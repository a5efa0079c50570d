"""Locust user kinds for `make load` (bench/load_http.py writes the plan and starts Locust).

Every kind talks to nginx over HTTPS on loopback, as people and programs would:

- CatalogSearcher: a signed-in district person (session, CSRF on the sign-in form) searching the
  cooperative catalog page and opening a product with its compliance verdict;
- DashboardViewer: a signed-in staff or district person opening the savings and spend dashboards;
- NeedsMatcher: a district's program matching a need through the API (bearer token);
- OrderPlacer: many districts placing and submitting orders through the API (a token each);
- RushVendor: 500 vendors (a token each, fixed count), each sending one sealed bid in the final
  minute before the bid deadline, most of them in its last seconds.

The plan (tokens, ids, the deadline) is a JSON file named by EDPOOL_LOAD_PLAN; without it (the
import smoke test) the classes are defined but have nothing to do.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent
from locust import HttpUser, between, task

PLAN: dict = {}
if os.environ.get("EDPOOL_LOAD_PLAN"):
    with open(os.environ["EDPOOL_LOAD_PLAN"]) as handle:
        PLAN = json.load(handle)

CA_FILE = os.environ.get("EDPOOL_LOAD_CA") or True
QUERIES = ("math", "reading", "science", "device", "chromebook", "writing", "coding", "spanish", "assessment",
           "tutoring", "library", "video")
_counter = itertools.count()
_vendor_counter = itertools.count()  # its own: a shared one gave two users one vendor (the first run)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _next(items: list):
    return items[next(_counter) % len(items)]


class _Base(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.verify = CA_FILE


class _SignedIn(_Base):
    abstract = True
    people = "people"  # which of the plan's lists of people this kind signs in as

    def on_start(self) -> None:
        super().on_start()
        person = _next(PLAN.get(self.people) or PLAN["people"])
        page = self.client.get("/account/login/", name="sign-in form")
        match = _CSRF.search(page.text)
        with self.client.post("/account/login/", name="sign-in",
                              data={"username": person["email"], "password": person["password"],
                                    "csrfmiddlewaretoken": match.group(1) if match else ""},
                              headers={"Referer": self.host + "/account/login/"},
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")


class CatalogSearcher(_SignedIn):
    weight = 3

    @task(3)
    def search(self) -> None:
        self.client.get(f"/catalog/?q={random.choice(QUERIES)}", name="catalog search (page)")

    @task(1)
    def product(self) -> None:
        self.client.get(f"/catalog/products/{random.choice(PLAN['catalog_products'])}/",
                        name="catalog product with verdict (page)")


class DashboardViewer(_SignedIn):
    """Staff and district people in turn (the plan's dashboard_people), on the fiscal year the plan
    names (the national history's year), else the current one."""
    weight = 1
    people = "dashboard_people"

    def _year(self) -> str:
        return f"?fy={PLAN['fiscal_year']}" if PLAN.get("fiscal_year") else ""

    @task
    def savings(self) -> None:
        self.client.get(f"/savings/{self._year()}", name="savings dashboard (page)")

    @task
    def spend(self) -> None:
        self.client.get(f"/analytics/spend/{self._year()}", name="spend dashboard (page)")


class _Token(_Base):
    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.buyer = _next(PLAN["buyers"])
        self.client.headers["Authorization"] = f"Bearer {self.buyer['token']}"


class NeedsMatcher(_Token):
    weight = 2

    @task
    def match(self) -> None:
        self.client.post("/api/v1/needs/match", name="needs match (API)",
                         json={"text": f"{random.choice(QUERIES)} for grades 3-5", "quantity": random.choice(
                             (30, 120, 600)), "limit": 10})


class OrderPlacer(_Token):
    weight = 3

    @task
    def place(self) -> None:
        agreement = random.choice(self.buyer["agreements"])
        self.client.post("/api/v1/orders", name="order placed and submitted (API)",
                         json={"agreement_id": agreement["id"], "submit": True,
                               "lines": [{"product_id": random.choice(agreement["products"]),
                                          "quantity": random.choice((1, 10, 50, 200))}]})


class RushVendor(_Base):
    """One sealed bid each, at a moment drawn before the deadline, then nothing."""
    fixed_count = len(PLAN.get("rush", {}).get("tokens", ()))

    def on_start(self) -> None:
        super().on_start()
        rush = PLAN["rush"]
        self.index = next(_vendor_counter) % len(rush["tokens"])
        self.secret = rush["tokens"][self.index]
        self.at = rush["deadline"] - rush["offsets"][self.index]
        self.sent = False

    @task
    def bid(self) -> None:
        if self.sent:
            gevent.sleep(3600)
            return
        wait = self.at - time.time()
        if wait > 0:
            gevent.sleep(wait)
        rush, i = PLAN["rush"], self.index
        body = {"lines": [{"line": line, "tiers": [{"min_quantity": 1, "unit_price": f"{100 + i % 50}.00"},
                                                   {"min_quantity": 500, "unit_price": f"{95 + i % 50}.00"}],
                           "max_quantity": None} for line in rush["lines"]],
                "attestations": {"dpa": True}, "notes": f"Load bid {i}"}
        self.client.put(f"/api/v1/solicitations/{rush['solicitation']}/bid", name="sealed bid in the rush (API)",
                        json=body, headers={"Authorization": f"Bearer {self.secret}"})
        self.sent = True
