"""strat: strategy as code.

Company strategy, product plans and team goals live as schema-validated YAML in a git
repository; `strat` lints them, explains what a change does, and publishes them.
"""

__version__ = "0.1.0"
