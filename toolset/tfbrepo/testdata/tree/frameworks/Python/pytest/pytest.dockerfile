# Debian's python3 and psycopg2 on Debian's slim image: no registry beyond
# Debian's own package mirror is needed.
FROM debian:bookworm-slim

RUN apt-get update -q && \
    apt-get install -qy --no-install-recommends python3 python3-psycopg2 && \
    rm -rf /var/lib/apt/lists/*

WORKDIR /pytest
COPY app.py /pytest/

EXPOSE 28181

CMD ["python3", "app.py"]
