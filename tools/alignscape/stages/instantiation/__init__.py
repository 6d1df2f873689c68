"""Preference instantiation stages: pairs, labels and formats handed to trainers."""
