"""The search index: summaries embedded with all-MiniLM-L6-v2 into FAISS, with exact filters.

- ``index.search``: ``ExampleIndex`` (search / count / values / get / from_summaries),
  ``Filters``, ``Hit``, ``SearchResult``.
- ``index.store``: ``load_index``, ``ensure_index``, ``DEFAULT_INDEX_DIR`` and the
  ``IndexMissing`` / ``IndexStale`` / ``IndexCorrupt`` errors.
- ``index.build``: ``build_index`` and ``examplenet index build``.
- ``index.understand``: datasets, frameworks, tasks and layers read from a question.
- ``index.embed``: the model (``embed_texts``) and ``HashEmbedder`` for tests.
- ``index.synthetic``: realistic synthetic summaries for tests and benchmarks.
"""
