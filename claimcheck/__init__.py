"""claimcheck: keeps an article honest about its sources."""

__version__ = "0.1.0"
