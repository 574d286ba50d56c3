# Pathways as an image: the front end is built with Node in the first stage, the wheel in the
# second, and the image that runs has neither Node nor the source, only the installed wheel
# with its static files collected (hashed and compressed) at build time.
#
#   docker build -t pathways:0.1.0 .
#   docker compose up -d            (compose.yaml: PostgreSQL, migrate, web, worker, scheduler)
#
# docs/deploy.md says what to set and how to upgrade.

FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY deploy/build-frontend.sh deploy/
COPY pathways/core/scss pathways/core/scss
RUN deploy/build-frontend.sh

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pathways pathways
COPY --from=frontend /src/pathways/frontend pathways/frontend
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
# WeasyPrint's libraries and fonts (PDF report packs and subject access exports); pg_dump and
# pg_restore for `pathways backup` (the client must be as new as the server: 15 here).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation \
        postgresql-client-15 gnupg \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
RUN useradd --system --uid 10001 --home-dir /var/lib/pathways --shell /usr/sbin/nologin pathways \
    && install -d -o pathways -g pathways -m 0700 /var/lib/pathways
ENV PATHWAYS_VAR_DIR=/var/lib/pathways \
    PATHWAYS_STATIC_ROOT=/opt/pathways/static \
    PATHWAYS_HOST=0.0.0.0 \
    PATHWAYS_PORT=8000 \
    PATHWAYS_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
# Collecting needs no database and no real keys; these throwaway ones stay in this layer only.
RUN SECRET_KEY=build-only PATHWAYS_PSEUDONYM_KEY=build-only PATHWAYS_VAR_DIR=/tmp/build \
    pathways collectstatic --no-input -v 0 && rm -rf /tmp/build
USER pathways
VOLUME /var/lib/pathways
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
ENTRYPOINT ["pathways"]
CMD ["web"]
