"""`python -m gis COMMAND ...`: the command line officials' scripts and the docs use; a thin entry to cli/."""

from cli import main, run

__all__ = ["main"]

if __name__ == "__main__":
    run()
