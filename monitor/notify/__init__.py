"""Telling people: notification targets and the outbox delivered through Apprise (messages come from render/)."""
