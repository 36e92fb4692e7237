# PostgreSQL 15 from Debian's package on the locally made base (no registry needed).
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB are honoured on first start, as by the official image.
ARG BASE=coordinator-local/base:bookworm
FROM ${BASE}
ARG MIRROR
RUN if [ -n "$MIRROR" ]; then echo "deb $MIRROR bookworm main" > /etc/apt/sources.list; fi \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && mkdir -p /var/lib/postgresql/data /run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:$PATH
USER postgres
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=20 \
  CMD ["/bin/bash", "-c", "pg_isready -q -h 127.0.0.1 -p ${PGPORT:-5432} -U ${POSTGRES_USER:-postgres}"]
ENTRYPOINT ["/bin/bash", "/usr/local/bin/postgres-entrypoint.sh"]
