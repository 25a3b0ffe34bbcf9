"""Shared code of the Docker Basics knowledge base: page reader, vocabulary, CLI snapshot,
example runner and build hooks. Scripts in scripts/ and tests in tests/ import from here."""
