"""Reading the web: the polite fetcher, robots.txt, feeds, article extraction, update notes and seed files."""
