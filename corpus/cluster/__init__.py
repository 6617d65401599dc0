"""Rendering work on a Dask distributed cluster (`--scheduler ADDRESS`).

`address` finds the scheduler to use (option, CORPUS_SCHEDULER, training.yaml),
`shipping` packs a page with its resources so no shared filesystem is needed,
`plugin` keeps one browser per worker thread alive across tasks, and `runner`
submits pages, streams results back as they finish and reports progress.
Needs the `cluster` extra (`pip install 'corpus[cluster]'`).
"""
