"""``python -m unforgotten`` runs the CLI."""

from unforgotten.cli import main

main()
