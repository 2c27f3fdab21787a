"""Printing: HTML to PDF with WeasyPrint, its tags, and the checks of its structure."""
