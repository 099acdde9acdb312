"""``python -m vei`` runs the ``vei`` command."""

from vei.cli.main import main

main()
