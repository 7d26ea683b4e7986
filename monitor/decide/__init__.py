"""Pure decisions: what a check means (decide), how two readings differ (compare), when to look again. No I/O."""
