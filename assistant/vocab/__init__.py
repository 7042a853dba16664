"""Vocabularies shared by every stage: numerals, clause ids."""
