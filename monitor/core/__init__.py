"""The vocabulary every layer shares: plain data, canonical text, errors, logging. Imports nothing of ours above it."""
