"""`python -m strat`."""

from strat.cli import main

if __name__ == "__main__":
    main()
