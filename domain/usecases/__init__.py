"""Use cases: one function per user intention, each inside a unit of work."""
