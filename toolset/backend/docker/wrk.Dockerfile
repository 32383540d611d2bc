# The load generator's image for the docker runtime: Debian's wrk package (and curl,
# which fetches an entry's profiles on an engine of another machine) and
# the toolset's pipelining script. The tfb toolset builds it as go-tfb/wrk on
# the client engine; BASE_IMAGE must exist locally (.ci/docker-setup makes it
# when no registry can be reached).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk curl; \
    rm -rf /var/lib/apt/lists/*; \
    wrk --version | head -1 || true
COPY pipeline.lua /pipeline.lua
# wrk needs no privilege: it runs as an unprivileged user, as the entries do.
USER 65532:65532
