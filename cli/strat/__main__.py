"""`python -m strat`.

`python -m` puts the working folder first on Python's import path, and the working folder
is usually a repository under review: a `yaml/`, `click/` or `material/` folder in it would
be imported instead of the installed package, and run. strat drops that entry before it
imports anything else, as `python -P` does; the `strat` command never has it.
"""

import os
import sys

if sys.path and not sys.flags.safe_path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from strat.cli import main  # noqa: E402  (after the import path is safe)

if __name__ == "__main__":
    main()
