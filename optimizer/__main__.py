"""``python -m optimizer`` runs the same CLI as ``iop-roster``."""

from .cli import main

main()
