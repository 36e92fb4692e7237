# The coordinator on the locally made Debian base (scripts/build-images.sh builds it; the context is the self-contained
# publish in .images/coordinator). Users with a registry use src/Coordinator/Dockerfile instead (official .NET images).
ARG BASE=coordinator-local/base:bookworm
FROM ${BASE}
# Minbase has no ICU: the invariant culture (the coordinator formats nothing by locale).
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    HOME=/data \
    Coordinator__HttpUrl=http://0.0.0.0:5080 \
    Database__ConnectionString="Data Source=/data/coordinator.db"
COPY app/ /app/
# A user of its own, not root; /data holds the SQLite file when Database__Provider stays Sqlite.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin coordinator \
    && mkdir -p /data && chown coordinator /data
USER 10001
WORKDIR /app
EXPOSE 5080
# bash's /dev/tcp: minbase has no curl. Live = the process answers HTTP.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${COORDINATOR_PORT:-5080} && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/app/Coordinator"]
