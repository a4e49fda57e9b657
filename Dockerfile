# ArchNest Containers: the console and API in one image (docs/deploy.md).
#
#   docker build -t archnest/containers .
#   docker run -d -p 4000:4000 -v archnest-data:/data archnest/containers
#
# Both base images are arguments, so a registry mirror or a locally made base can be used:
#   docker build --build-arg BUILD_IMAGE=mirror/node:22-bookworm \
#                --build-arg BASE_IMAGE=mirror/node:22-bookworm-slim .
# The image holds no secret and no data: the secrets are generated into /data on first start
# (or come from ARCHNEST_JWT_SECRET / ARCHNEST_SECRET_KEY), the database lives there too.

ARG BUILD_IMAGE=node:22-bookworm
ARG BASE_IMAGE=node:22-bookworm-slim

# --- build: every dependency, the API bundle and the console, then production dependencies only
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
ENV NODE_ENV=development \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
# sqlite3 is a native module: a prebuilt binary where one can be downloaded, else compiled here
# (python3, make and g++ are in the build image; none of them reaches the last stage).
RUN npm ci
COPY tsconfig.base.json tsconfig.json nest-cli.json angular.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build
# Production dependencies only, then what the server never loads: the console's packages (the
# console is served as built files), build tools, TypeScript sources and declarations, source
# maps, docs, and the intermediate files of the sqlite3 build.
RUN npm prune --omit=dev \
 && rm -rf node_modules/@angular node_modules/@xterm node_modules/@types \
           node_modules/typescript node_modules/ts-node node_modules/node-gyp \
           node_modules/sqlite3/deps node_modules/sqlite3/src \
 && find node_modules/sqlite3/build -type f ! -name node_sqlite3.node -delete \
 && find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' \
           -o -name '*.cts' -o -iname '*.md' -o -iname '*.markdown' \) -delete \
 && node -e "require('/src/node_modules/sqlite3')"

# --- runtime
FROM ${BASE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="ArchNest Containers" \
      org.opencontainers.image.description="One self-hosted console for Docker containers across many machines: Docker Engine API, Docker over SSH, push agents" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.vendor="ArchNest" \
      org.opencontainers.image.documentation="docs/deploy.md"

# A dedicated user with fixed ids, so a bind-mounted /data can be chown'ed to 10001:10001.
RUN groupadd --system --gid 10001 archnest \
 && useradd --system --uid 10001 --gid archnest --home-dir /data --no-create-home \
            --shell /usr/sbin/nologin archnest \
 && mkdir -p /data \
 && chown archnest:archnest /data \
 && chmod 0700 /data

WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY scripts/backup.mjs scripts/restore.mjs scripts/backup-archive.mjs scripts/healthcheck.mjs ./scripts/

ENV NODE_ENV=production \
    ARCHNEST_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=4000

USER 10001:10001
VOLUME ["/data"]
EXPOSE 4000

# node itself, no curl: exits 0 only when /api/health answers 200 (database reachable).
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/scripts/healthcheck.mjs"]

# node is PID 1 (no npm, no shell), so `docker stop`'s SIGTERM reaches the server, which
# finishes in-flight requests, ends exec sessions, closes the database and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/api/main.js"]
