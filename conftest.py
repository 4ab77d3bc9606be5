"""Collection settings for the whole tree: the integration modules' doctests
need their optional extras, so they are left out when an extra is missing."""

from __future__ import annotations

import importlib.util

collect_ignore = [
    path
    for module, path in (
        ("ray", "cleancorp/integrations/ray.py"),
        ("datatrove", "cleancorp/integrations/datatrove.py"),
    )
    if importlib.util.find_spec(module) is None
]
