"""`python -m stsdeck` runs the command line."""

from .cli import main

main()
