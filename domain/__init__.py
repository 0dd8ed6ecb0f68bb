"""Pure domain rules and use cases of 村社通: standard library only."""
