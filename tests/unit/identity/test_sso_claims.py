"""From the provider's claims to a portal Identity: only one valid org and role gives one."""

from __future__ import annotations

import pytest

from services.portal.auth.claims import ClaimMapping, Unmapped, identity_from_claims
from shared.contracts.vocabulary import Role

BASE = {"sub": "f3a1", "email": "j@lentis.example", "email_verified": True, "name": "Jan"}
GROUPS = ClaimMapping(group_map=(("/zorg/lentis", ("Lentis", "care-provider")),
                                 ("/gemeente/groningen", ("GM0014", "municipality"))))


def test_org_and_role_claims_make_the_identity():
    identity = identity_from_claims({**BASE, "woonregie_org": "Lentis",
                                     "woonregie_role": "care-provider"}, ClaimMapping())

    assert identity.subject == "oidc:f3a1" and identity.source == "oidc"
    assert (identity.org, identity.role) == ("Lentis", Role.CARE_PROVIDER)
    assert identity.display_name == "Jan" and identity.email == "j@lentis.example"


def test_claim_names_come_from_the_settings_and_single_item_lists_count():
    mapping = ClaimMapping(org_claim="organisatie", role_claim="rol")
    identity = identity_from_claims({**BASE, "organisatie": ["GM0014"],
                                     "rol": "municipality"}, mapping)
    assert (identity.org, identity.role) == ("GM0014", Role.MUNICIPALITY)


def test_a_group_mapping_is_used_when_the_claims_are_absent():
    identity = identity_from_claims({**BASE, "groups": ["/iedereen", "/gemeente/groningen"]},
                                    GROUPS)
    assert (identity.org, identity.role) == ("GM0014", Role.MUNICIPALITY)


@pytest.mark.parametrize("claims, reason", [
    ({}, "no organisation and role"),
    ({"woonregie_org": "Lentis"}, "no organisation and role"),
    ({"woonregie_org": "Lentis", "woonregie_role": "root"}, "unknown role"),
    ({"woonregie_org": "Groningen", "woonregie_role": "municipality"}, "CBS code"),
    ({"woonregie_org": ["A", "B"], "woonregie_role": "corporation"}, "no organisation"),
    ({"groups": ["/zorg/lentis", "/gemeente/groningen"]}, "more than one"),
    ({"groups": ["/onbekend"]}, "no organisation and role"),
])
def test_anything_short_of_one_valid_place_is_refused(claims, reason):
    with pytest.raises(Unmapped, match=reason):
        identity_from_claims({**BASE, **claims}, GROUPS)


@pytest.mark.parametrize("change", [{"email": None}, {"email_verified": False}, {"sub": ""}])
def test_no_verified_email_or_subject_is_refused(change):
    claims = {**BASE, "woonregie_org": "Lentis", "woonregie_role": "care-provider", **change}
    with pytest.raises(Unmapped):
        identity_from_claims(claims, ClaimMapping())
