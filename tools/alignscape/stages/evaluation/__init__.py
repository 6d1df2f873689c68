"""Preference evaluation stages: who judges the candidates, and how."""
