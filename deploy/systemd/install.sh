#!/usr/bin/env bash
#
# install.sh: install (or upgrade) ArchNest Containers as a systemd service, from a built checkout.
#
#   npm ci && npm run build && sudo deploy/systemd/install.sh
#
# Needs:  root; node 20.19+ and npm (the server runs on the node found first in PATH); systemd to
#         start it (without a running systemd, or with --no-start, it installs and says what to run);
#         the npm registry, the first time and whenever package-lock.json changed (production
#         dependencies are installed with npm ci --omit=dev; sqlite3 may compile).
# Reads:  dist/ of this checkout (npm run build), package.json, package-lock.json, scripts/.
# Writes: /opt/archnest (the server, root-owned, replaced as a whole), /var/lib/archnest (data,
#         0700, user archnest), /etc/archnest/archnest.env (created once, never overwritten),
#         /etc/systemd/system/archnest.service; creates the system user and group archnest.
# Idempotent: running it again upgrades the server in place and keeps data and settings; the
#         service is restarted (migrations run at start).
# Exit:   0 installed, 1 failed, 2 usage, 3 not root.

set -euo pipefail

readonly PREFIX="/opt/archnest"
readonly DATA_DIR="/var/lib/archnest"
readonly CONFIG_DIR="/etc/archnest"
readonly ENV_FILE="${CONFIG_DIR}/archnest.env"
readonly UNIT_FILE="/etc/systemd/system/archnest.service"
readonly SERVICE_USER="archnest"
readonly RUNTIME_SCRIPTS=(backup.mjs restore.mjs backup-archive.mjs healthcheck.mjs)

err() {
  printf 'install: %s\n' "$*" >&2
}

die() {
  local code="$1"
  shift
  err "$@"
  exit "${code}"
}

usage() {
  cat <<'USAGE'
usage: sudo deploy/systemd/install.sh [--no-start]
  --no-start   install everything but do not enable, start or restart the service
USAGE
}

checkout_dir() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  cd "${here}/../.." && pwd
}

check_node() {
  local node version
  node="$(command -v node || true)"
  [[ -n "${node}" ]] || die 1 "node is not in PATH (Node.js 20.19+ is needed)"
  command -v npm >/dev/null || die 1 "npm is not in PATH"
  version="$("${node}" -p 'process.versions.node')"
  "${node}" -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);
  ' || die 1 "node ${version} is too old: Node.js 20.19+ is needed"
  printf '%s\n' "${node}"
}

ensure_user() {
  if ! getent group "${SERVICE_USER}" >/dev/null; then
    groupadd --system "${SERVICE_USER}"
  fi
  if ! getent passwd "${SERVICE_USER}" >/dev/null; then
    useradd --system --gid "${SERVICE_USER}" --home-dir "${DATA_DIR}" --no-create-home \
      --shell /usr/sbin/nologin "${SERVICE_USER}"
    err "created system user ${SERVICE_USER}"
  fi
}

# Copies the built server into a fresh folder next to PREFIX, then swaps it in.
install_app() {
  local src="$1"
  local stage="${PREFIX}.new"
  rm -rf "${stage}"
  mkdir -p "${stage}/scripts" "${stage}/docs"
  cp -R "${src}/dist" "${stage}/dist"
  cp "${src}/package.json" "${src}/package-lock.json" "${stage}/"
  local script
  for script in "${RUNTIME_SCRIPTS[@]}"; do
    cp "${src}/scripts/${script}" "${stage}/scripts/"
  done
  cp "${src}/docs/deploy.md" "${stage}/docs/"

  if [[ -d "${PREFIX}/node_modules" ]] && cmp -s "${src}/package-lock.json" "${PREFIX}/package-lock.json"; then
    err "dependencies unchanged: reusing ${PREFIX}/node_modules"
    cp -R "${PREFIX}/node_modules" "${stage}/node_modules"
  else
    err "installing production dependencies (npm ci --omit=dev) …"
    (cd "${stage}" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
  fi
  (cd "${stage}" && node -e "require('sqlite3')") || die 1 "sqlite3 does not load in ${stage}"

  chown -R root:root "${stage}"
  chmod -R u=rwX,go=rX "${stage}"
  if [[ -d "${PREFIX}" ]]; then
    rm -rf "${PREFIX}.old"
    mv "${PREFIX}" "${PREFIX}.old"
  fi
  mv "${stage}" "${PREFIX}"
  rm -rf "${PREFIX}.old"
}

ensure_data_and_config() {
  install -d -m 0700 -o "${SERVICE_USER}" -g "${SERVICE_USER}" "${DATA_DIR}"
  install -d -m 0755 -o root -g root "${CONFIG_DIR}"
  if [[ ! -e "${ENV_FILE}" ]]; then
    install -m 0640 -o root -g "${SERVICE_USER}" /dev/null "${ENV_FILE}"
    cat >"${ENV_FILE}" <<'ENV'
# ArchNest Containers settings (KEY=VALUE lines), read by archnest.service; see README.md.
# After a change: systemctl restart archnest
#PORT=4000
#HOST=0.0.0.0
# Unset: SQLite in /var/lib/archnest. PostgreSQL: postgres://user:password@host:5432/archnest
#DATABASE_URL=
# Shared bearer token of the push agents (16+ characters); unset = ingest disabled (503).
#ARCHNEST_AGENT_TOKEN=
# Creates user "admin" at start while no user exists.
#ARCHNEST_ADMIN_PASSWORD=
#STALE_AFTER_MS=90000
#ARCHNEST_CORS_ORIGINS=
#ARCHNEST_DOCKER_STATS_INTERVAL_MS=5000
ENV
    err "wrote ${ENV_FILE} (edit it, then: systemctl restart archnest)"
  fi
}

install_unit() {
  local src="$1" node="$2"
  local unit
  unit="$(sed "s#^ExecStart=/usr/bin/node #ExecStart=${node} #" "${src}/deploy/systemd/archnest.service")"
  if [[ ! -e "${UNIT_FILE}" ]] || [[ "$(cat "${UNIT_FILE}")" != "${unit}" ]]; then
    printf '%s\n' "${unit}" >"${UNIT_FILE}.new"
    chmod 0644 "${UNIT_FILE}.new"
    mv "${UNIT_FILE}.new" "${UNIT_FILE}"
    err "wrote ${UNIT_FILE}"
  fi
}

systemd_running() {
  command -v systemctl >/dev/null || return 1
  local state
  state="$(systemctl is-system-running 2>/dev/null || true)"
  [[ -n "${state}" && "${state}" != "offline" && "${state}" != "unknown" ]]
}

main() {
  local start=1
  while (($# > 0)); do
    case "$1" in
      --no-start) start=0 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage >&2
        exit 2
        ;;
    esac
    shift
  done

  [[ "${EUID}" -eq 0 ]] || die 3 "run as root: sudo $0"

  local src node
  src="$(checkout_dir)"
  [[ -f "${src}/dist/apps/api/main.js" && -f "${src}/dist/apps/web/browser/index.html" ]] ||
    die 1 "${src}/dist is not built: run npm ci && npm run build first"
  node="$(check_node)"

  ensure_user
  install_app "${src}"
  ensure_data_and_config
  install_unit "${src}" "${node}"

  if ((start == 0)) || ! systemd_running; then
    err "installed; to start: systemctl daemon-reload && systemctl enable --now archnest"
    return 0
  fi
  systemctl daemon-reload
  systemctl enable archnest.service >/dev/null
  systemctl restart archnest.service
  err "archnest is running: systemctl status archnest; the console on http://localhost:4000"
}

main "$@"
