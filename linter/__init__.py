"""glmlint: a security linter for container configuration."""
__version__ = "0.1.0"
