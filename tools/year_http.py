"""The parties' HTTP calls to the platform's public APIs, each with its own token. An answer
the platform gives for a situation a party can meet in normal work (a proposal closed
meanwhile, a person already registered) is not an error; anything else is counted and kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import httpx

from shared.contracts.vocabulary import Role

PROVINCE = "provincie-groningen"
PAGE_SIZE = 500
IMPORT_TIMEOUT = 180.0  # a file of dwellings on a busy machine


class PartyApi:
    def __init__(self, *, registry_url: str, intake_url: str, allocation_url: str,
                 tokens: Callable[[str, Role], str], timeout: float = 30.0):
        # one pool of kept-alive connections per service, shared by the demo's threads
        self.registry = httpx.Client(base_url=registry_url, timeout=timeout)
        self.intake = httpx.Client(base_url=intake_url, timeout=timeout)
        self.allocation = httpx.Client(base_url=allocation_url, timeout=timeout)
        self._lock = threading.Lock()  # tokens are issued once; errors counted from threads
        self._tokens = tokens
        self._headers: dict[tuple[str, Role], dict[str, str]] = {}
        self.stats = None  # YearStats, set by the demo: errors are counted there

    def close(self) -> None:
        for client in (self.registry, self.intake, self.allocation):
            client.close()

    def headers(self, org: str, role: Role) -> dict[str, str]:
        with self._lock:
            if (org, role) not in self._headers:
                self._headers[(org, role)] = {
                    "Authorization": f"Bearer {self._tokens(org, role)}"}
            return self._headers[(org, role)]

    # --- intake ------------------------------------------------------------------------------

    def register(self, org: str, role: Role, body: dict, key: str) -> tuple[str, bool] | None:
        """(intake id, newly registered) of the person; the Idempotency-Key and the BSN make a
        second registration return the first."""
        headers = self.headers(org, role) | {"Idempotency-Key": key}
        response = self._call(self.intake, "POST", "/v1/candidates", (201, 409),
                              headers=headers, json=body)
        if response is None:
            return None
        if response.status_code == 409:
            existing = response.json().get("existingId")
            return (existing, False) if existing else self._failed("POST /v1/candidates",
                                                                   response)
        return response.json()["id"], response.headers.get("Idempotent-Replayed") is None

    def candidate(self, org: str, role: Role, candidate_id: str) -> dict | None:
        response = self._call(self.intake, "GET", f"/v1/candidates/{candidate_id}", (200,),
                              headers=self.headers(org, role))
        return None if response is None else response.json()

    def grant(self, municipality: str, candidate_id: str, body: dict) -> bool:
        return self._call(self.intake, "POST",
                          f"/v1/candidates/{candidate_id}/urgency-decisions", (201,),
                          headers=self.headers(municipality, Role.MUNICIPALITY),
                          json=body) is not None

    def withdraw(self, org: str, role: Role, candidate_id: str) -> bool:
        return self._call(self.intake, "POST", f"/v1/candidates/{candidate_id}/withdrawal",
                          (200,), headers=self.headers(org, role)) is not None

    # --- registry ----------------------------------------------------------------------------

    def import_dwellings(self, corporation: str, csv_text: str) -> dict | None:
        headers = self.headers(corporation, Role.CORPORATION) | {"Content-Type": "text/csv"}
        response = self._call(self.registry, "POST", "/v1/dwelling-imports", (201,),
                              headers=headers, content=csv_text.encode(),
                              timeout=IMPORT_TIMEOUT)
        return None if response is None else response.json()

    def agreement(self, period: str) -> dict | None:
        response = self._call(self.registry, "GET", f"/v1/agreements/province/{period}",
                              (200, 404), headers=self.headers(PROVINCE, Role.PROVINCE))
        return None if response is None or response.status_code == 404 else response.json()

    def publish_agreement(self, period: str, body: dict) -> dict | None:
        response = self._call(self.registry, "PUT", f"/v1/agreements/province/{period}",
                              (200, 201), headers=self.headers(PROVINCE, Role.PROVINCE),
                              json=body)
        return None if response is None else response.json()

    # --- allocation --------------------------------------------------------------------------

    def proposals(self, status: str) -> list[dict]:
        """Every proposal with `status`, as the province sees them (all, read-only)."""
        items, page = [], 1
        while True:
            response = self._call(self.allocation, "GET", "/v1/proposals", (200,),
                                  headers=self.headers(PROVINCE, Role.PROVINCE),
                                  params={"status": status, "page": page,
                                          "pageSize": PAGE_SIZE})
            if response is None:
                return items
            body = response.json()
            items += body["items"]
            if page * PAGE_SIZE >= body["total"]:
                return items
            page += 1

    def answer(self, org: str, party: str, proposal_id: str, body: dict) -> dict | None:
        """The proposal after the answer; None when it was closed meanwhile (409)."""
        role = Role.CORPORATION if party == "corporation" else (
            Role.CARE_OFFICE if org == "menzis" else Role.CARE_PROVIDER)
        response = self._call(self.allocation, "POST", f"/v1/proposals/{proposal_id}/responses",
                              (200, 409), headers=self.headers(org, role), json=body)
        return None if response is None or response.status_code == 409 else response.json()

    def move_in(self, corporation: str, proposal_id: str, on: date) -> bool:
        response = self._call(self.allocation, "POST", f"/v1/proposals/{proposal_id}/move-in",
                              (201, 409), headers=self.headers(corporation, Role.CORPORATION),
                              json={"date": on.isoformat()})
        return response is not None and response.status_code == 201

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, client: httpx.Client, method: str, url: str, ok: tuple[int, ...],
              **kwargs) -> httpx.Response | None:
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            return self._error(f"{method} {url}: {exc!r}")
        if response.status_code in ok:
            return response
        return self._failed(f"{method} {url}", response)

    def _failed(self, what: str, response: httpx.Response) -> None:
        return self._error(f"{what}: {response.status_code} {response.text[:300]}")

    def _error(self, message: str) -> None:
        if self.stats is not None:
            with self._lock:
                self.stats.errors += 1
                self.stats.last_errors = (self.stats.last_errors + [message])[-5:]
        return None
