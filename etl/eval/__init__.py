"""Measuring how well filings are read: scoring against hand-made or generated labels."""
