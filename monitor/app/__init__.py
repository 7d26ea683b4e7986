"""The operations a user runs: one cycle (the I/O around decide), health, status, history."""
