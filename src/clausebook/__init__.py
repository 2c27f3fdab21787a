"""Clausebook: staff policies as MyST sources, published as a versioned site, a PDF and guidance tools."""

__version__ = "0.1.0"
