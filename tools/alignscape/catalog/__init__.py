"""Loading, validating and modelling the catalog (YAML + BibTeX -> typed model)."""
