"""mtqa: quality checks for French machine translations of Norwegian news."""

__version__ = "0.1.0"
