"""Reference implementations of every stage option of the taxonomy, one module per option.

Each runnable module exposes ``apply(batch, config=None, ctx=None)`` over a batch of records
(a list of dict rows or a dict of columns, returned in the same shape) so it runs unchanged
under Ray Data ``map_batches``. See site/docs/pipeline.md for the record layout.
"""
