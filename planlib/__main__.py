"""``python -m planlib …`` is the same as the ``planlib`` command."""

from planlib.cli import main

raise SystemExit(main())
