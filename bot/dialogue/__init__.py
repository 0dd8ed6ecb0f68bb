"""The channel-neutral dialogue engine: per-chat state, forms with slots, routing to flows."""
