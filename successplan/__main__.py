"""Run the command line with ``python -m successplan``."""

from __future__ import annotations

from successplan.cli import main

main()
