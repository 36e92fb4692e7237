# The agent worker on the locally made Debian base (scripts/build-images.sh builds it; the context is the self-contained
# publish in .images/agent). Users with a registry use src/AgentWorker/Dockerfile instead (official .NET images).
ARG BASE=coordinator-local/base:bookworm
FROM ${BASE}
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    HOME=/work \
    Agent__WorkDirectory=/work \
    Agent__HealthFile=/tmp/agent-heartbeat
COPY app/ /app/
RUN useradd --system --uid 10001 --home-dir /work --shell /usr/sbin/nologin agent \
    && mkdir -p /work && chown agent /work
USER 10001
WORKDIR /app
# Healthy while heartbeats are getting through: the worker touches Agent:HealthFile after each one the broker took.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/bin/bash", "-c", "f=${Agent__HealthFile:-/tmp/agent-heartbeat}; [ -f \"$f\" ] && [ $(( $(date +%s) - $(stat -c %Y \"$f\") )) -lt 15 ]"]
ENTRYPOINT ["/app/AgentWorker"]
