"""The local runtime: the broker from Maven jars, the launcher behind `make run`, and the
`woonregie` command line."""
