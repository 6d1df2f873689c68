"""Reference implementations of every stage option of the taxonomy.

Each runnable option is one function registered with ``alignscape.stages.registry.stage``,
with declared parameters; calling it as ``fn(batch, config=None, ctx=None)`` checks the
configuration, fills in defaults and runs over a batch of records (a list of dict rows or a
dict of columns, returned in the same shape) so it runs unchanged under Ray Data
``map_batches``. Stages talk to models only through ``alignscape.runtime`` and never import
``alignscape.pipeline``. See site/docs/pipeline.md for the record layout.
"""
