"""Recipes, the streaming runner, checkpoints, backends and writers.

Importing this package is cheap: model libraries load only when a local-model backend or a
Parquet writer is used."""
