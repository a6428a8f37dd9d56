"""``python -m topiccli`` runs the ``topics`` command line."""

from topiccli.cli import main

main()
