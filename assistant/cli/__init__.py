"""Thin command-line layer over the library; errors become one-line messages here."""
