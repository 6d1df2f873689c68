"""Benchmarks and the synthetic catalogs they run on."""
