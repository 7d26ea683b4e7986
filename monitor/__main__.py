"""`python -m monitor` runs the CLI, so the tool works without the console script on PATH."""

from __future__ import annotations

from monitor.cli import main

main()
