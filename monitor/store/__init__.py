"""SQLite state: schema and migrations, the Store (one transaction per outcome), the cycle lock."""
