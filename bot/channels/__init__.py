"""Channels: adapters between chat platforms and the channel-neutral dialogue engine."""
