"""Property-based: whatever schemathesis sends to any intake endpoint, never a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.kafka


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_input_makes_intake_fail(intake, provider, municipality, data):
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", intake.app)
    case = data.draw(schema.as_strategy())
    for headers in (provider, municipality):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.text[:300])
