"""The illustrative woonzorgvisie dataset (docs/woonzorgvisie/*.csv): made-up figures in the
documented import formats, imported through the registry's HTTP API as the province and
marked illustrative, so every page that shows them says they are not research figures."""

from __future__ import annotations

import httpx

from shared.settings import REPO_ROOT

EXAMPLE_DIR = REPO_ROOT / "docs" / "woonzorgvisie"
SOURCE = "Illustratieve voorbeeldset Woonregie (verzonnen cijfers, geen onderzoek)"
# (file, endpoint) in import order: the forecast refers to the rates imported before it
FILES = (
    ("housing-need.csv", "/v1/housing-need-imports"),
    ("need-rates.csv", "/v1/need-rate-imports"),
    ("population-forecast.csv", "/v1/population-forecast-imports"),
    ("building-programme.csv", "/v1/building-programme-imports"),
)


class ExampleRejected(RuntimeError):
    pass


def load_example(client: httpx.Client, headers: dict[str, str]) -> dict[str, dict]:
    """Import every example file; the registry's answers by file name."""
    answers: dict[str, dict] = {}
    for name, endpoint in FILES:
        params = {"source": SOURCE, "illustrative": "true"}
        if name == "population-forecast.csv":
            params["rates"] = answers["need-rates.csv"]["id"]
        response = client.post(endpoint, params=params,
                               content=(EXAMPLE_DIR / name).read_bytes(),
                               headers=headers | {"content-type": "text/csv"})
        if response.status_code != 201:
            raise ExampleRejected(f"{name}: {response.status_code} {response.text[:300]}")
        answers[name] = response.json()
    return answers
