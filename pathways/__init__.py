"""Pathways: case management and outcomes for employment support programmes."""

__version__ = "0.1.0"
