#!/usr/bin/env bash
#
# install.sh: install the ArchNest Containers push agent on this Docker host, as a systemd timer.
#
# Installs archnest-docker-agent.sh (from beside this script) to /usr/local/bin, the service and
# timer from systemd/ to /etc/systemd/system, creates the system user archnest-agent (group
# archnest-agent, member of docker) if missing, writes /etc/archnest/agent.env (mode 0600, root:
# systemd reads EnvironmentFile= as root before it drops privileges), then runs
# `systemctl daemon-reload` and `systemctl enable --now archnest-docker-agent.timer`.
# Idempotent: a re-run rewrites the same files; a re-run with a new token is how a rotated token
# is applied (the next timer run reads it, nothing needs restarting).
#
# Needs:  root, bash 4+, coreutils install, getent, groupadd, useradd, usermod, systemctl, and a
#         docker group (install Docker first). The agent itself needs docker, curl and jq.
# Reads:  --url, --host-id, --token-file FILE|- (or --token, which shows in `ps`), else
#         ARCHNEST_URL, ARCHNEST_HOST_ID, ARCHNEST_AGENT_TOKEN from the environment, else the
#         values already in /etc/archnest/agent.env.
#         ARCHNEST_INSTALL_ROOT (tests only): prefixes every path read or written; the user and
#         systemctl commands still run, so the tests put stubs for them first on PATH.
# Exit:   0 installed, 1 not root or a step failed, 2 usage or a bad input.
#
# The token is never printed: not in messages, not in errors, and tracing (`bash -x`) is switched
# off while it is handled.

set -euo pipefail

readonly AGENT_USER="archnest-agent"
readonly DOCKER_GROUP="docker"
readonly SCRIPT_NAME="archnest-docker-agent.sh"
readonly SERVICE="archnest-docker-agent.service"
readonly TIMER="archnest-docker-agent.timer"
readonly ENV_KEYS="ARCHNEST_URL|ARCHNEST_HOST_ID|ARCHNEST_AGENT_TOKEN"
# The server's rule for hostId (libs/contracts AGENT_HOST_ID_PATTERN).
readonly HOST_ID_PATTERN='^[A-Za-z0-9._-]{1,128}$'
# http(s), a host, and no whitespace, quotes, backslash, dollar or backtick (agent.env stays
# plain KEY=VALUE that systemd and the agent read alike).
readonly URL_PATTERN='^https?://[^/?#[:space:]]+([/?#][^[:space:]]*)?$'
readonly URL_FORBIDDEN="[\"'\\\$\`]"

ROOT="${ARCHNEST_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"
BIN_PATH="${ROOT}/usr/local/bin/${SCRIPT_NAME}"
UNIT_DIR="${ROOT}/etc/systemd/system"
ENV_DIR="${ROOT}/etc/archnest"
ENV_FILE="${ENV_DIR}/agent.env"
readonly ROOT BIN_PATH UNIT_DIR ENV_DIR ENV_FILE

# Inputs; TOKEN is only touched with tracing off.
URL=""
HOST_ID=""
TOKEN=""
TOKEN_FILE=""
TOKEN_FROM=""
UNINSTALL="false"
# Temporary files to remove on exit.
CLEANUP=()

err() {
  printf 'archnest-install: %s\n' "$*" >&2
}

die() {
  local code="$1"
  shift
  err "$@"
  exit "${code}"
}

# `bash -x` would print the token: hide_trace and show_trace switch tracing off around the code
# that handles it, and back on if it was on (a nested hide_trace keeps the outer state).
TRACE_WAS_ON=""
hide_trace() {
  { [[ "$-" != *x* ]] || { TRACE_WAS_ON="yes" && set +x; }; } 2>/dev/null
}
show_trace() {
  [[ -z "${TRACE_WAS_ON}" ]] || { TRACE_WAS_ON="" && set -x; }
}

usage() {
  cat <<'USAGE'
Usage: sudo ./install.sh [--url URL] [--host-id ID] [--token-file FILE|-] [--token TOKEN]
       sudo ./install.sh --uninstall

Installs the ArchNest Containers push agent (archnest-docker-agent.sh beside this script) as the
systemd timer archnest-docker-agent.timer, run as the system user archnest-agent.

  --url URL          server base URL, e.g. https://archnest.example.com   (or ARCHNEST_URL)
  --host-id ID       this host's id: 1-128 letters, digits, dots, dashes, underscores
                     (or ARCHNEST_HOST_ID); for a per-host token, the host id it was issued for
  --token-file FILE  read the agent token from the first line of FILE; "-" reads stdin
                     (without echo when stdin is a terminal)
  --token TOKEN      the agent token on the command line: visible in `ps` and shell history,
                     prefer --token-file - or ARCHNEST_AGENT_TOKEN
  --uninstall        stop and remove the timer, service, script and agent.env (keeps the user)
  --help             show this help

The token is a per-host token from the console ("Add agent host", POST /api/agents/tokens) or
the server's shared ARCHNEST_AGENT_TOKEN. Anything not given keeps its value from an existing
/etc/archnest/agent.env, so a re-run with only --token-file - applies a rotated token.
USAGE
}

# Reads the options; tracing stays off throughout since --token carries the token.
parse_args() {
  hide_trace
  while (($# > 0)); do
    case "$1" in
      --url | --host-id | --token | --token-file)
        (($# >= 2)) || die 2 "$1 needs a value"
        case "$1" in
          --url) URL="$2" ;;
          --host-id) HOST_ID="$2" ;;
          --token)
            TOKEN="$2"
            TOKEN_FROM="from --token"
            ;;
          --token-file) TOKEN_FILE="$2" ;;
        esac
        shift
        ;;
      --url=* | --host-id=* | --token=* | --token-file=*)
        die 2 "write ${1%%=*} VALUE, not ${1%%=*}=VALUE"
        ;;
      --uninstall) UNINSTALL="true" ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage >&2
        die 2 "unknown option: $1"
        ;;
    esac
    shift
  done
  show_trace
}

require_root() {
  ((EUID == 0)) ||
    die 1 "must run as root (it writes /etc and /usr/local/bin and creates a system user): sudo $0 ..."
}

# Prints the value of KEY in the existing agent.env (quotes removed), or nothing. Always run in
# $(...): it turns tracing off for good, since the file holds the token.
existing_value() {
  local key="$1" line value
  { set +x; } 2>/dev/null
  [[ -r "${ENV_FILE}" ]] || return 0
  while IFS= read -r line || [[ -n "${line}" ]]; do
    [[ "${line}" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Z_]+)=(.*)$ ]] || continue
    [[ "${BASH_REMATCH[2]}" == "${key}" ]] || continue
    value="${BASH_REMATCH[3]%$'\r'}"
    if [[ "${value}" =~ ^\"(.*)\"$ || "${value}" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
  done <"${ENV_FILE}"
  printf '%s' "${value:-}"
}

# The token: --token-file, else --token, else ARCHNEST_AGENT_TOKEN, else the one in agent.env.
read_token() {
  local line=""
  if [[ -n "${TOKEN_FILE}" ]]; then
    [[ -z "${TOKEN_FROM}" ]] || die 2 "give the token once: --token or --token-file, not both"
    if [[ "${TOKEN_FILE}" == "-" ]]; then
      TOKEN_FROM="from stdin"
      if [[ -t 0 ]]; then
        read -r -s -p "Agent token: " line || true
        printf '\n' >&2
      else
        IFS= read -r line || [[ -n "${line}" ]] || die 2 "--token-file -: stdin is empty"
      fi
    else
      TOKEN_FROM="from ${TOKEN_FILE}"
      [[ -r "${TOKEN_FILE}" ]] || die 2 "--token-file: cannot read ${TOKEN_FILE}"
      IFS= read -r line <"${TOKEN_FILE}" || [[ -n "${line}" ]] ||
        die 2 "--token-file: ${TOKEN_FILE} is empty"
    fi
    TOKEN="${line%$'\r'}"
  elif [[ -n "${TOKEN_FROM}" ]]; then
    err "warning: --token puts the token in the process list and shell history;" \
      "prefer --token-file - or ARCHNEST_AGENT_TOKEN"
  elif [[ -n "${ARCHNEST_AGENT_TOKEN:+set}" ]]; then
    TOKEN="${ARCHNEST_AGENT_TOKEN}"
    TOKEN_FROM="from ARCHNEST_AGENT_TOKEN"
  else
    TOKEN="$(existing_value ARCHNEST_AGENT_TOKEN)"
    TOKEN_FROM="in ${ENV_FILE#"${ROOT}"}"
  fi
}

# Fills in and checks URL, HOST_ID and TOKEN; a message names the bad input (never the token).
resolve_inputs() {
  local url_from="--url" host_from="--host-id"
  if [[ -z "${URL}" && -n "${ARCHNEST_URL:-}" ]]; then
    URL="${ARCHNEST_URL}"
    url_from="ARCHNEST_URL"
  elif [[ -z "${URL}" ]]; then
    URL="$(existing_value ARCHNEST_URL)"
    url_from="ARCHNEST_URL in ${ENV_FILE#"${ROOT}"}"
  fi
  if [[ -z "${HOST_ID}" && -n "${ARCHNEST_HOST_ID:-}" ]]; then
    HOST_ID="${ARCHNEST_HOST_ID}"
    host_from="ARCHNEST_HOST_ID"
  elif [[ -z "${HOST_ID}" ]]; then
    HOST_ID="$(existing_value ARCHNEST_HOST_ID)"
    host_from="ARCHNEST_HOST_ID in ${ENV_FILE#"${ROOT}"}"
  fi

  [[ -n "${URL}" ]] || die 2 "no server URL: give --url https://archnest.example.com (or ARCHNEST_URL)"
  if [[ ! "${URL}" =~ ${URL_PATTERN} || "${URL}" =~ ${URL_FORBIDDEN} ]]; then
    die 2 "${url_from} must be an http:// or https:// URL without spaces or quotes (got '${URL}')"
  fi
  URL="${URL%/}"
  [[ -n "${HOST_ID}" ]] || die 2 "no host id: give --host-id ID (or ARCHNEST_HOST_ID)"
  [[ "${HOST_ID}" =~ ${HOST_ID_PATTERN} ]] ||
    die 2 "${host_from} must be 1-128 letters, digits, dots, dashes or underscores (got '${HOST_ID}')"

  hide_trace
  read_token
  [[ -n "${TOKEN}" ]] ||
    die 2 "no agent token: give --token-file - (stdin) or ARCHNEST_AGENT_TOKEN; it comes from" \
      "the console's \"Add agent host\" or is the server's shared ARCHNEST_AGENT_TOKEN"
  [[ ! "${TOKEN}" =~ [[:space:]] ]] || die 2 "the agent token (${TOKEN_FROM}) must not contain whitespace"
  [[ "${TOKEN}" != *"'"* ]] || die 2 "the agent token (${TOKEN_FROM}) must not contain a single quote"
  [[ "${TOKEN}" != archnest_key_* ]] ||
    die 2 "the agent token (${TOKEN_FROM}) is a user API key (archnest_key_...), not an agent token"
  show_trace
}

# Checks everything the install needs before it changes anything.
preflight() {
  local tool src_dir="$1"
  for tool in install getent groupadd useradd usermod systemctl; do
    command -v "${tool}" >/dev/null 2>&1 ||
      die 1 "${tool} is required but not found on PATH (this installer sets up a systemd timer;" \
        "without systemd see agent/archnest-docker-agent.cron)"
  done
  for tool in "${SCRIPT_NAME}" "systemd/${SERVICE}" "systemd/${TIMER}"; do
    [[ -r "${src_dir}/${tool}" ]] ||
      die 1 "cannot find ${tool} in ${src_dir}: run install.sh from a checkout, or copy the whole agent/ directory"
  done
  getent group "${DOCKER_GROUP}" >/dev/null ||
    die 1 "no '${DOCKER_GROUP}' group on this host: install Docker first (the agent reads the engine as a member of it)"
  for tool in docker curl jq; do
    command -v "${tool}" >/dev/null 2>&1 ||
      err "warning: ${tool} is not installed; the agent needs docker, curl and jq"
  done
}

# Copies $2 to $3 with mode $1, root-owned, replacing $3 in one rename (a timer run never sees
# half a file).
install_file() {
  local mode="$1" src="$2" dest="$3" tmp
  tmp="${dest}.install.$$"
  CLEANUP+=("${tmp}")
  install -m "${mode}" -o root -g root -- "${src}" "${tmp}"
  mv -f -- "${tmp}" "${dest}"
}

ensure_dir() {
  local dir="$1"
  [[ -d "${dir}" ]] || install -d -m 0755 -o root -g root -- "${dir}"
}

# The system user the service runs as (User=/Group= in the unit), in the docker group.
ensure_user() {
  local members
  if ! getent group "${AGENT_USER}" >/dev/null; then
    groupadd --system "${AGENT_USER}"
    printf 'created group %s\n' "${AGENT_USER}"
  fi
  if ! getent passwd "${AGENT_USER}" >/dev/null; then
    useradd --system --gid "${AGENT_USER}" --groups "${DOCKER_GROUP}" --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin \
      --comment "ArchNest Containers push agent" "${AGENT_USER}"
    printf 'created user %s (in group %s)\n' "${AGENT_USER}" "${DOCKER_GROUP}"
    return 0
  fi
  members="$(getent group "${DOCKER_GROUP}")"
  members="${members##*:}"
  if [[ ",${members}," != *",${AGENT_USER},"* ]]; then
    usermod --append --groups "${DOCKER_GROUP}" "${AGENT_USER}"
    printf 'added user %s to group %s\n' "${AGENT_USER}" "${DOCKER_GROUP}"
  fi
}

# Writes agent.env: the three settings, then any other KEY=VALUE lines of the existing file
# (ARCHNEST_AGENT_STATE_DIR, say), so a re-run changes only what it was given. Tracing off.
write_env_file() {
  local tmp="${ENV_FILE}.install.$$" line
  local -a kept=()
  if [[ -r "${ENV_FILE}" ]]; then
    while IFS= read -r line || [[ -n "${line}" ]]; do
      [[ "${line}" =~ ^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*= ]] || continue
      [[ "${line}" =~ ^[[:space:]]*(export[[:space:]]+)?(${ENV_KEYS})= ]] && continue
      kept+=("${line}")
    done <"${ENV_FILE}"
  fi
  CLEANUP+=("${tmp}")
  (
    umask 077
    {
      printf '# %s: configuration of %s, written by agent/install.sh.\n' \
        "${ENV_FILE#"${ROOT}"}" "${SCRIPT_NAME}"
      printf '# Mode 0600, owned by root: systemd reads it before dropping privileges.\n'
      printf '# Re-run install.sh to change these (a new token: --token-file -).\n'
      printf 'ARCHNEST_URL=%s\n' "${URL}"
      printf 'ARCHNEST_HOST_ID=%s\n' "${HOST_ID}"
      printf "ARCHNEST_AGENT_TOKEN='%s'\n" "${TOKEN}"
      if ((${#kept[@]} > 0)); then
        printf '%s\n' "${kept[@]}"
      fi
    } >"${tmp}"
  )
  chown root:root -- "${tmp}"
  chmod 0600 -- "${tmp}"
  mv -f -- "${tmp}" "${ENV_FILE}"
}

install_agent() {
  local src_dir="$1"
  preflight "${src_dir}"
  ensure_dir "${ROOT}/usr/local/bin"
  ensure_dir "${UNIT_DIR}"
  ensure_dir "${ENV_DIR}"
  install_file 0755 "${src_dir}/${SCRIPT_NAME}" "${BIN_PATH}"
  install_file 0644 "${src_dir}/systemd/${SERVICE}" "${UNIT_DIR}/${SERVICE}"
  install_file 0644 "${src_dir}/systemd/${TIMER}" "${UNIT_DIR}/${TIMER}"
  printf 'installed %s, %s and %s\n' "${BIN_PATH#"${ROOT}"}" "${SERVICE}" "${TIMER}"
  ensure_user
  hide_trace
  write_env_file
  show_trace
  printf 'wrote %s (mode 0600, root) for host %s, server %s\n' \
    "${ENV_FILE#"${ROOT}"}" "${HOST_ID}" "${URL}"
  systemctl daemon-reload
  systemctl enable --now "${TIMER}"
  printf 'enabled %s: the agent reports every 30 s; see journalctl -u %s\n' \
    "${TIMER}" "${SERVICE}"
}

uninstall_agent() {
  local file
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now "${TIMER}" 2>/dev/null || true
    systemctl stop "${SERVICE}" 2>/dev/null || true
  fi
  for file in "${UNIT_DIR}/${TIMER}" "${UNIT_DIR}/${SERVICE}" "${BIN_PATH}" "${ENV_FILE}"; do
    rm -f -- "${file}"
  done
  rmdir -- "${ENV_DIR}" 2>/dev/null || true
  if command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
  fi
  printf 'removed the agent, its units and %s; kept the user %s and /var/lib/archnest-agent\n' \
    "${ENV_FILE#"${ROOT}"}" "${AGENT_USER}"
}

cleanup() {
  if ((${#CLEANUP[@]} > 0)); then
    rm -f -- "${CLEANUP[@]}"
  fi
}

main() {
  local src_dir
  parse_args "$@"
  require_root
  trap cleanup EXIT
  if [[ "${UNINSTALL}" == "true" ]]; then
    uninstall_agent
    return 0
  fi
  src_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
  resolve_inputs
  install_agent "${src_dir}"
}

# Tracing is off from here until the options are read: `main --token ...` would show it.
hide_trace
main "$@"
