"""SQLite state: schema and migrations (`schema`), named rows (`rows`), the Store put together from its
parts (`articles`, `outbox`, `state`) and opened, closed and locked in `database`."""
