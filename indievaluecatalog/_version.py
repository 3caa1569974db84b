"""Package version, kept apart from the codebook and dataset versions."""

__version__ = "0.1.0"
