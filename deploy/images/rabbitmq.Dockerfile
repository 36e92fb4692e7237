# RabbitMQ with the management plugin, from Debian's package on the locally made base (no registry needed).
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS / RABBITMQ_DEFAULT_VHOST are honoured, as by the official image.
ARG BASE=coordinator-local/base:bookworm
FROM ${BASE}
ARG MIRROR
RUN if [ -n "$MIRROR" ]; then echo "deb $MIRROR bookworm main" > /etc/apt/sources.list; fi \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && rabbitmq-plugins enable --offline rabbitmq_management >/dev/null \
    && mkdir -p /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq \
    && chown -R rabbitmq:rabbitmq /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
COPY rabbitmq-entrypoint.sh /usr/local/bin/rabbitmq-entrypoint.sh
ENV RABBITMQ_LOGS=- RABBITMQ_SASL_LOGS=- HOME=/var/lib/rabbitmq
USER rabbitmq
EXPOSE 5672 15672
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s --retries=10 CMD ["rabbitmq-diagnostics", "-q", "ping"]
ENTRYPOINT ["/bin/bash", "/usr/local/bin/rabbitmq-entrypoint.sh"]
