"""Test settings: hypothesis profiles.

The ``ci`` profile (the default) keeps the property tests short; run the long
one with ``pytest --hypothesis-profile=long``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")
