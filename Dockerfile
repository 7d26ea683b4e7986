# deeplinks-monitor: `monitor run` on a schedule, state in /data, health via `monitor health`.
FROM python:3.11-slim

# tini as PID 1: forwards SIGTERM to `monitor run` and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 monitor \
 && useradd --system --uid 10001 --gid monitor --home-dir /app --no-create-home --shell /usr/sbin/nologin monitor \
 && mkdir -p /data \
 && chown monitor:monitor /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor/ monitor/
# Not config/: a config file may hold notification URLs with tokens, and nothing baked into an image is secret.
# The image runs on the defaults plus MONITOR_* variables; mount a file and set MONITOR_CONFIG for more.
COPY seeds/ seeds/
RUN pip install --no-cache-dir . \
 && rm -rf build *.egg-info

ENV MONITOR_DATABASE=/data/monitor.sqlite3 \
    MONITOR_SEEDS_DIR=/app/seeds \
    PYTHONUNBUFFERED=1

# uid 10001: a bind-mounted /data must be writable by it (`chown -R 10001:10001 ./data` on the host).
USER monitor
VOLUME /data

HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 CMD ["monitor", "health"]
ENTRYPOINT ["tini", "--"]
CMD ["monitor", "run", "--log-format", "json"]
