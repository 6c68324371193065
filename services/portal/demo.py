"""The demo's people: one local account per role, for the organisations the demo feed uses
(tools/demo.py), so each finds work waiting after `woonregie demo`."""

from __future__ import annotations

from shared.contracts.vocabulary import Role

DEMO_ACCOUNTS = (
    ("verhuur@lefier.demo", "lefier", Role.CORPORATION, "Verhuur Lefier"),
    ("urgentie@groningen.demo", "GM0014", Role.MUNICIPALITY, "Urgentieteam Groningen"),
    ("zorg@beschermd-wonen.demo", "demo-beschermd-wonen-stad", Role.CARE_PROVIDER,
     "Begeleider Beschermd Wonen"),
    ("zorgkantoor@menzis.demo", "menzis", Role.CARE_OFFICE, "Zorgkantoor Menzis"),
    ("monitor@provincie.demo", "provincie-groningen", Role.PROVINCE, "Provincie Groningen"),
)
