"""Boilerplate removal: rule packs (data, per language) and language-free detectors."""
