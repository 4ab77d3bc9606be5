"""``python -m cleancorp``: the same as the ``cleancorp`` command."""

from cleancorp.cli import main

raise SystemExit(main())
