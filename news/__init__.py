"""Feeds in, stories out: no Telegram, no SQL."""
