#!/usr/bin/env bash
#
# archnest-docker-agent.sh: report the containers of this Docker host to ArchNest Containers.
#
# Runs `docker ps`, one batched `docker inspect` and `docker stats --no-stream`, builds one JSON
# report (SPEC §3.3, schema v2), masks secret-looking env values, and POSTs it to the server:
# the full report when the inventory (everything but the stats) changed since the last accepted
# one, else a steady report with only the stats (docs/docker-agent-monitoring.md, "Delta
# reports"). Monitoring only: it never runs anything the server asks for.
#
# Needs:  bash 4+, docker (CLI with access to the engine), curl, jq.
# Reads:  ARCHNEST_URL, ARCHNEST_AGENT_TOKEN, ARCHNEST_HOST_ID, ARCHNEST_AGENT_STATE_DIR from the
#         environment, or from /etc/archnest/agent.env (KEY=VALUE lines; ARCHNEST_AGENT_ENV_FILE
#         names another file). Variables already set in the environment win over the file.
# Keeps:  the digest of the last inventory the server accepted, in
#         ${ARCHNEST_AGENT_STATE_DIR:-/var/lib/archnest-agent}/<host id>.digest.
# Exit:   0 sent (or printed with --dry-run), 2 usage or configuration, 3 missing tool,
#         4 server unreachable, 5 server refused the report, 6 docker failed.

set -euo pipefail

readonly AGENT_VERSION="2"
readonly DEFAULT_ENV_FILE="/etc/archnest/agent.env"
readonly DEFAULT_STATE_DIR="/var/lib/archnest-agent"
readonly REPORT_PATH="/api/agents/docker/report"
readonly SECRET_PATTERN="PASS|SECRET|TOKEN|KEY|PRIVATE|CREDENTIAL"
readonly MASK="********"

# jq helpers shared by the report builder and the tests (agent/test).
jq_lib() {
  cat <<'JQ'
def to_bytes:
  (capture("^\\s*(?<n>[0-9]+(\\.[0-9]+)?)\\s*(?<u>[A-Za-z]*)\\s*$") // {n: "0", u: "B"}) as $m
  | ($m.n | tonumber) * ({"": 1, "B": 1,
      "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
      "KiB": 1024, "MiB": 1048576, "GiB": 1073741824, "TiB": 1099511627776,
      "PiB": 1125899906842624}[$m.u] // 1)
  | floor;
def byte_pair: (. // "0B / 0B") | split(" / ") | map(to_bytes);
def percent: (. // "0") | rtrimstr("%") | (tonumber? // 0);
def is_secret: test($secret; "i");
def env_list:
  (. // []) | map(
    (index("=")) as $i
    | if $i == null then {key: ., value: ""} else {key: .[:$i], value: .[$i + 1:]} end
    | if .key | is_secret then .value = $mask else . end);
def shell_word: if test("^[A-Za-z0-9_@%+=:,./-]+$") then . else @sh end;
def time_or_null: if . == null or . == "" or startswith("0001-01-01") then null else . end;
JQ
}

# The report (SPEC §3.3) from docker ps, inspect and stats output.
jq_report() {
  cat <<'JQ'
($ps | map({key: .ID, value: .}) | from_entries) as $ps_by_id
| ($stats | map({key: .ID, value: .}) | from_entries) as $stats_by_id
| {
    schemaVersion: 2, kind: "full",
    hostId: $host_id, hostname: $hostname, agentVersion: $version, reportedAt: $now,
    containers: [ $inspect[0][] | {
      id: .Id,
      name: (.Name | ltrimstr("/")),
      image: .Config.Image,
      imageId: .Image,
      state: (if .State.Status == "removing" then "dead" else .State.Status end),
      status: ($ps_by_id[.Id].Status // .State.Status),
      createdAt: .Created,
      startedAt: (.State.StartedAt | time_or_null),
      restartCount: (.RestartCount // 0),
      restartPolicy: ((.HostConfig.RestartPolicy.Name // "") | if . == "" then "no" else . end),
      health: (.State.Health.Status // "none"),
      ports: [ (.NetworkSettings.Ports // {}) | to_entries[] | (.key | split("/")) as $port
        | (.value // [null])[]
        | {hostIp: (if . == null then null else .HostIp end),
           hostPort: (if . == null then null else (.HostPort | tonumber) end),
           containerPort: ($port[0] | tonumber), proto: ($port[1] // "tcp")} ],
      networks: [ (.NetworkSettings.Networks // {}) | to_entries[]
        | {name: .key, ip: (.value.IPAddress | if . == "" then null else . end)} ],
      mounts: [ (.Mounts // [])[]
        | {type: .Type, source: (.Name // .Source // ""), destination: .Destination, rw: .RW} ],
      env: (.Config.Env | env_list),
      command: ([.Path] + (.Args // []) | map(select(. != null) | shell_word) | join(" ")),
      labels: (.Config.Labels // {}),
      stats: ($stats_by_id[.Id] | if . == null then null else
        (.MemUsage | byte_pair) as $mem | (.NetIO | byte_pair) as $net
        | (.BlockIO | byte_pair) as $block
        | {cpuPercent: (.CPUPerc | percent), memUsage: $mem[0], memLimit: ($mem[1] // 0),
           netRxBytes: $net[0], netTxBytes: ($net[1] // 0),
           blockReadBytes: $block[0], blockWriteBytes: ($block[1] // 0)} end)
    } ]
  }
JQ
}

# What the inventory digest covers: everything but the time, the stats and docker's status text
# (it says how long ago: "Up 5 seconds"), keys sorted.
jq_inventory() {
  cat <<'JQ'
{hostname, agentVersion, containers: [.containers[] | del(.stats, .status)]}
JQ
}

# The steady report of a full one: host fields, the digest, per container the short id, the
# status text and the stats as an array in the server's STEADY_STATS_FIELDS order.
jq_steady() {
  cat <<'JQ'
{
  schemaVersion: 2, kind: "steady",
  hostId, hostname, agentVersion, reportedAt, inventoryDigest,
  containers: [ .containers[] | {
    id: .id[0:12],
    status,
    stats: (.stats | if . == null then null else
      [.cpuPercent, .memUsage, .memLimit, .netRxBytes, .netTxBytes,
       .blockReadBytes, .blockWriteBytes] end)
  } ]
}
JQ
}

err() {
  printf 'archnest-agent: %s\n' "$*" >&2
}

# `bash -x` would print the token: hide_trace and show_trace switch tracing off around the code
# that reads or writes it, and back on if it was on.
TRACE_WAS_ON=""
hide_trace() {
  { [[ "$-" != *x* ]] || { TRACE_WAS_ON="yes" && set +x; }; } 2>/dev/null
}
show_trace() {
  [[ -z "${TRACE_WAS_ON}" ]] || { TRACE_WAS_ON="" && set -x; }
}

die() {
  local code="$1"
  shift
  err "$@"
  exit "${code}"
}

usage() {
  cat <<'USAGE'
Usage: archnest-docker-agent.sh [--dry-run] [--env-file FILE] [--help]

Reports this host's Docker containers to ArchNest Containers.

  --dry-run        build the report and print it to stdout instead of sending it
  --env-file FILE  read configuration from FILE (default /etc/archnest/agent.env)
  --help           show this help

Configuration (environment, or KEY=VALUE lines in the env file):
  ARCHNEST_URL          server base URL, e.g. https://archnest.example.com
  ARCHNEST_AGENT_TOKEN  this host's token (console: Agents, Add agent host) or the shared one
  ARCHNEST_HOST_ID      stable id for this host: letters, digits, dot, dash, underscore
  ARCHNEST_AGENT_STATE_DIR
                        where the digest of the last accepted inventory is kept
                        (default /var/lib/archnest-agent); unwritable: full reports only
USAGE
}

# Reads KEY=VALUE lines without executing them; keeps variables already set.
load_env_file() {
  local file="$1" line key value
  [[ -r "${file}" ]] || return 0
  hide_trace
  while IFS= read -r line || [[ -n "${line}" ]]; do
    [[ "${line}" =~ ^[[:space:]]*(export[[:space:]]+)?(ARCHNEST_URL|ARCHNEST_AGENT_TOKEN|ARCHNEST_HOST_ID|ARCHNEST_AGENT_STATE_DIR)=(.*)$ ]] || continue
    key="${BASH_REMATCH[2]}"
    value="${BASH_REMATCH[3]}"
    value="${value%$'\r'}"
    if [[ "${value}" =~ ^\"(.*)\"$ || "${value}" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    if [[ -z "${!key:-}" ]]; then
      printf -v "${key}" '%s' "${value}"
      export "${key?}"
    fi
  done <"${file}"
  show_trace
}

require_tools() {
  local tool
  for tool in docker curl jq; do
    command -v "${tool}" >/dev/null 2>&1 || die 3 "${tool} is required but not installed (or not on PATH)"
  done
}

check_config() {
  local dry_run="$1"
  [[ "${ARCHNEST_HOST_ID:-}" =~ ^[A-Za-z0-9._-]{1,128}$ ]] ||
    die 2 "ARCHNEST_HOST_ID must be 1-128 letters, digits, dots, dashes or underscores (got '${ARCHNEST_HOST_ID:-}')"
  [[ "${dry_run}" == "true" ]] && return 0
  [[ "${ARCHNEST_URL:-}" =~ ^https?://[^[:space:]]+$ ]] ||
    die 2 "ARCHNEST_URL must be an http(s) URL (got '${ARCHNEST_URL:-}')"
  [[ -n "${ARCHNEST_AGENT_TOKEN:+set}" ]] || die 2 "ARCHNEST_AGENT_TOKEN is not set"
}

# Converts a docker size such as "20.5MiB" or "1.2kB" to bytes (used by the tests).
human_to_bytes() {
  jq -rn --arg secret "${SECRET_PATTERN}" --arg mask "${MASK}" --arg v "$1" "$(jq_lib) \$v | to_bytes"
}

# Writes the report JSON for this host to stdout.
build_report() {
  local work="$1"
  local -a ids=()
  docker ps -a --no-trunc --format '{{json .}}' >"${work}/ps.jsonl" || die 6 "docker ps failed"
  mapfile -t ids < <(jq -r '.ID' "${work}/ps.jsonl")
  if ((${#ids[@]} == 0)); then
    printf '[]' >"${work}/inspect.json"
    : >"${work}/stats.jsonl"
  else
    # A container removed between ps and inspect makes inspect exit 1 but print the others.
    docker inspect "${ids[@]}" >"${work}/inspect.json" 2>"${work}/inspect.err" || true
    jq -e 'type == "array"' "${work}/inspect.json" >/dev/null 2>&1 ||
      die 6 "docker inspect failed: $(head -c 300 "${work}/inspect.err")"
    docker stats --no-stream --no-trunc --format '{{json .}}' >"${work}/stats.jsonl" 2>/dev/null ||
      : >"${work}/stats.jsonl"
  fi
  jq -n \
    --arg secret "${SECRET_PATTERN}" --arg mask "${MASK}" \
    --arg host_id "${ARCHNEST_HOST_ID}" --arg hostname "$(uname -n)" \
    --arg version "${AGENT_VERSION}" --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --slurpfile ps "${work}/ps.jsonl" --slurpfile stats "${work}/stats.jsonl" \
    --slurpfile inspect "${work}/inspect.json" \
    "$(jq_lib) $(jq_report)" >"${work}/inventory.json"
  jq --arg digest "$(inventory_digest <"${work}/inventory.json")" '.inventoryDigest = $digest' \
    "${work}/inventory.json"
}

# SHA-256 (hex) of the inventory part of the report on stdin.
inventory_digest() {
  local sum
  sum=$(jq -cS "$(jq_inventory)" | sha256sum)
  printf '%s' "${sum%% *}"
}

# Prints the steady report of the full report in file $1.
steady_report() {
  jq -c "$(jq_steady)" "$1"
}

# Prints the file that keeps the last accepted digest, or nothing (with one warning) when the
# state dir cannot be written: then every report is a full one.
state_file() {
  local dir="${ARCHNEST_AGENT_STATE_DIR:-${DEFAULT_STATE_DIR}}"
  if ! { [[ -d "${dir}" ]] || mkdir -m 0700 -- "${dir}" 2>/dev/null; } || [[ ! -w "${dir}" ]]; then
    err "warning: cannot write the state dir ${dir}; sending full reports"
    return 0
  fi
  printf '%s/%s.digest' "${dir}" "${ARCHNEST_HOST_ID}"
}

save_digest() {
  local file="$1" digest="$2"
  [[ -n "${file}" ]] || return 0
  (umask 077 && printf '%s\n' "${digest}" >"${file}.tmp" && mv -f -- "${file}.tmp" "${file}") ||
    err "warning: cannot save the inventory digest to ${file}"
}

# POSTs the report in file $2; the token goes through a 0600 header file, never the command
# line. Returns 9 when the server asks for the full report (409 needFull), exits on any error.
readonly NEED_FULL=9
send_report() {
  local work="$1" report="$2" url="${ARCHNEST_URL%/}${REPORT_PATH}" status curl_exit=0 message
  hide_trace
  printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "${ARCHNEST_AGENT_TOKEN}" \
    >"${work}/headers"
  show_trace
  status=$(curl --silent --show-error --connect-timeout 5 --max-time 30 \
    --header "@${work}/headers" --data-binary "@${report}" \
    --output "${work}/response" --write-out '%{http_code}' "${url}" 2>"${work}/curl.err") ||
    curl_exit=$?
  if ((curl_exit != 0)); then
    die 4 "cannot reach ${url}: $(tr -d '\n' <"${work}/curl.err") (curl exit ${curl_exit})"
  fi
  message=$(jq -r 'if type == "object" then (.message | if type == "array" then join("; ") else . end) // empty else empty end' \
    "${work}/response" 2>/dev/null || true)
  case "${status}" in
    200 | 201 | 202) return 0 ;;
    409)
      if jq -e '.needFull == true' "${work}/response" >/dev/null 2>&1; then
        return "${NEED_FULL}"
      fi
      die 5 "server answered HTTP 409${message:+: ${message}}"
      ;;
    400) die 5 "server rejected the report (400): ${message}" ;;
    401) die 5 "server refused the agent token (401): check ARCHNEST_AGENT_TOKEN (a per-host token may be revoked or expired)" ;;
    403) die 5 "server refused this report (403)${message:+: ${message}}" ;;
    413) die 5 "report too large for the server (413)" ;;
    429) die 5 "server is rate-limiting this host (429); the next run will retry" ;;
    503)
      # The server says when ingest is off; any other 503 passes (restart, database down, disk full).
      if [[ "${message}" == *"ingest is disabled"* ]]; then
        die 5 "agent ingest is disabled on the server (503): enroll this host (a per-host token) or set ARCHNEST_AGENT_TOKEN there"
      fi
      die 5 "server is temporarily unavailable (503)${message:+: ${message}}; the next run will retry"
      ;;
    *) die 5 "server answered HTTP ${status}${message:+: ${message}}" ;;
  esac
}

main() {
  local dry_run="false" env_file="${ARCHNEST_AGENT_ENV_FILE:-${DEFAULT_ENV_FILE}}" work count
  while (($# > 0)); do
    case "$1" in
      --dry-run) dry_run="true" ;;
      --env-file)
        (($# >= 2)) || die 2 "--env-file needs a file"
        env_file="$2"
        shift
        ;;
      -h | --help)
        usage
        return 0
        ;;
      *)
        usage >&2
        die 2 "unknown option: $1"
        ;;
    esac
    shift
  done

  require_tools
  load_env_file "${env_file}"
  check_config "${dry_run}"

  work=$(mktemp -d "${TMPDIR:-/tmp}/archnest-agent.XXXXXX")
  chmod 700 "${work}"
  # shellcheck disable=SC2064 # expand now: the path is fixed for this run
  trap "rm -rf -- '${work}'" EXIT

  build_report "${work}" >"${work}/report.json"
  if [[ "${dry_run}" == "true" ]]; then
    cat "${work}/report.json"
    return 0
  fi
  send_delta "${work}"
  count=$(jq '.containers | length' "${work}/report.json")
  printf 'archnest-agent: reported %s containers for %s (%s)\n' \
    "${count}" "${ARCHNEST_HOST_ID}" "${SENT_KIND}"
}

# Sends the steady report when the inventory is the one the server last accepted, else (or when
# the server no longer holds it) the full one; SENT_KIND says which kind the server stored.
SENT_KIND=""
send_delta() {
  local work="$1" state digest sent=0
  state=$(state_file)
  digest=$(jq -r '.inventoryDigest' "${work}/report.json")
  if [[ -n "${state}" && -r "${state}" && "$(<"${state}")" == "${digest}" ]]; then
    steady_report "${work}/report.json" >"${work}/steady.json"
    send_report "${work}" "${work}/steady.json" || sent=$?
    if ((sent == 0)); then
      SENT_KIND="steady"
      return 0
    fi
  fi
  send_report "${work}" "${work}/report.json" || die 5 "server asked for a full report again"
  save_digest "${state}" "${digest}"
  SENT_KIND="full"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
