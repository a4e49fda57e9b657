import {
  CONTAINER_STATES,
  maskEnv,
  type ContainerDetail,
  type ContainerState,
  type ContainerSummary,
  type EnvVar,
  type HealthState,
  type Mount,
  type NetworkAttachment,
  type PortBinding,
} from '@archnest/contracts';
import { describeStatus, engineTime } from './docker-status';
import type { EngineInspect, EngineListItem, EnginePort } from './engine-types';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
/** Characters that need no quoting in a shell word, as `docker ps` prints commands. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

function toState(value: string | undefined): ContainerState {
  return CONTAINER_STATES.find((state) => state === value) ?? 'dead';
}

function toProto(value: string | undefined): PortBinding['proto'] {
  return PROTOCOLS.find((proto) => proto === value) ?? 'tcp';
}

function toHealth(value: string | undefined): HealthState {
  return value === 'healthy' || value === 'unhealthy' || value === 'starting' ? value : 'none';
}

/** `/web` → `web`: the Engine API prefixes names with a slash. */
export function containerName(name: string | undefined, id: string): string {
  return name?.replace(/^\//, '') || id.slice(0, 12);
}

/** An argv as one shell-quoted line, `nginx -g 'daemon off;'`. */
export function joinArgv(argv: string[] | string | null | undefined): string | null {
  if (argv === null || argv === undefined) {
    return null;
  }
  const words = typeof argv === 'string' ? [argv] : argv;
  if (words.length === 0) {
    return null;
  }
  return words
    .map((word) => (PLAIN_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** `KEY=value` pairs, split at the first `=`, masked on the server (docs/security.md). */
export function toEnv(env: string[] | null | undefined): EnvVar[] {
  const pairs = (env ?? []).map((entry) => {
    const at = entry.indexOf('=');
    return at < 0
      ? { key: entry, value: '' }
      : { key: entry.slice(0, at), value: entry.slice(at + 1) };
  });
  return maskEnv(pairs);
}

function listPorts(ports: EnginePort[] | null | undefined): PortBinding[] {
  return (ports ?? []).map((port) => ({
    hostIp: port.IP || null,
    hostPort: port.PublicPort ?? null,
    containerPort: port.PrivatePort,
    proto: toProto(port.Type),
  }));
}

export function toContainerSummary(item: EngineListItem): ContainerSummary {
  return {
    id: item.Id,
    name: containerName(item.Names?.[0], item.Id),
    image: item.Image ?? '',
    state: toState(item.State),
    status: item.Status ?? '',
    createdAt: item.Created ? new Date(item.Created * 1000).toISOString() : null,
    ports: listPorts(item.Ports),
    stats: null,
  };
}

function inspectPorts(inspect: EngineInspect): PortBinding[] {
  const ports = inspect.NetworkSettings?.Ports ?? {};
  return Object.entries(ports).flatMap(([key, bindings]) => {
    const [port, proto] = key.split('/');
    const base = { containerPort: Number(port), proto: toProto(proto) };
    if (!bindings || bindings.length === 0) {
      return [{ hostIp: null, hostPort: null, ...base }];
    }
    return bindings.map((binding) => ({
      hostIp: binding.HostIp || null,
      hostPort: binding.HostPort ? Number(binding.HostPort) : null,
      ...base,
    }));
  });
}

function networks(inspect: EngineInspect): NetworkAttachment[] {
  return Object.entries(inspect.NetworkSettings?.Networks ?? {}).map(([name, network]) => ({
    name,
    ip: network?.IPAddress || null,
  }));
}

function mounts(inspect: EngineInspect): Mount[] {
  return (inspect.Mounts ?? []).map((mount) => ({
    type: mount.Type ?? 'bind',
    source: (mount.Type === 'volume' ? mount.Name : mount.Source) ?? '',
    destination: mount.Destination ?? '',
    rw: mount.RW ?? true,
  }));
}

function restartPolicy(inspect: EngineInspect): string {
  const policy = inspect.HostConfig?.RestartPolicy;
  const name = policy?.Name || 'no';
  return name === 'on-failure' && policy?.MaximumRetryCount
    ? `${name}:${policy.MaximumRetryCount}`
    : name;
}

function iso(value: string | undefined): string | null {
  return engineTime(value)?.toISOString() ?? null;
}

/** The normalized detail every source maps to; env is masked here, on the server. */
export function toContainerDetail(inspect: EngineInspect, now = new Date()): ContainerDetail {
  const state = inspect.State ?? {};
  const startedAt = iso(state.StartedAt);
  return {
    id: inspect.Id,
    name: containerName(inspect.Name, inspect.Id),
    image: inspect.Config?.Image ?? inspect.Image ?? '',
    state: toState(state.Status),
    status: describeStatus(state, now),
    createdAt: iso(inspect.Created),
    ports: inspectPorts(inspect),
    stats: null,
    imageId: inspect.Image ?? null,
    startedAt,
    finishedAt: iso(state.FinishedAt),
    exitCode: state.Running || !startedAt ? null : (state.ExitCode ?? null),
    restartCount: inspect.RestartCount ?? null,
    restartPolicy: restartPolicy(inspect),
    health: toHealth(state.Health?.Status),
    networks: networks(inspect),
    mounts: mounts(inspect),
    env: toEnv(inspect.Config?.Env),
    labels: inspect.Config?.Labels ?? {},
    command: joinArgv(inspect.Config?.Cmd),
    entrypoint: joinArgv(inspect.Config?.Entrypoint),
  };
}
