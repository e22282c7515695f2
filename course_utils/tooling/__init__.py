"""Course tooling: the CLI behind the Makefile, notebook execution, freshness, student copies,
the execution report and fork retargeting.

Tooling may import the lecture helpers (``profiles`` above all); lecture helpers never import
tooling, so a chapter's fingerprint never depends on it.
"""
