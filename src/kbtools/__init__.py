"""Shared code of the Docker Basics knowledge base: page reader, vocabulary, CLI snapshot,
example runner, generators, the MkDocs plugin and the `kb` command (cli.py)."""
