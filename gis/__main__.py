"""`python -m gis COMMAND ...`: the command line officials' scripts and the docs use; a thin entry to cli/."""

from cli import run

run()
