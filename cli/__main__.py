"""`python -m cli COMMAND ...`: the same as `python -m gis COMMAND ...`."""

from cli import run

if __name__ == "__main__":
    run()
