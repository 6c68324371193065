"""Contracts: the events, topics, vocabularies and envelope every service speaks, and
the documents (OpenAPI, AsyncAPI) generated from them. A contract changes here only."""
