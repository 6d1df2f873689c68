"""The controlled vocabulary (taxonomy.yaml) and the trade-off rules (tradeoffs.yaml)."""

from alignscape.taxonomy.tradeoffs import LevelExplanation, Tradeoffs
from alignscape.taxonomy.vocabulary import Dimension, Option, Taxonomy

__all__ = ["Dimension", "LevelExplanation", "Option", "Taxonomy", "Tradeoffs"]
