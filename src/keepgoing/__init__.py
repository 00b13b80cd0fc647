"""keepgoing: keep in touch with the people you do co-production with."""

__version__ = "0.6.0"
