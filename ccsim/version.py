"""The version of this ccsim (the package's; ``ccsim --version`` prints it)."""

__version__ = "0.1.0"
