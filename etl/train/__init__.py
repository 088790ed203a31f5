"""Rebuild the parser's learned model files from data in the repo (`jixiao train ...`)."""
