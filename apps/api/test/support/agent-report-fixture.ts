import type { AgentContainer, AgentReport, AgentSteadyReport } from '@archnest/contracts';

let counter = 0;

/** A valid container as the agent reports it; override any field. */
export function agentContainer(overrides: Partial<AgentContainer> = {}): AgentContainer {
  counter += 1;
  return {
    id: counter.toString(16).padStart(64, 'c'),
    name: `app-${counter}`,
    image: 'nginx:1.27',
    imageId: `sha256:${'d'.repeat(64)}`,
    state: 'running',
    status: 'Up 3 hours',
    createdAt: '2026-06-20T16:30:00Z',
    startedAt: '2026-06-20T16:30:01Z',
    restartCount: 0,
    restartPolicy: 'unless-stopped',
    health: 'healthy',
    ports: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
    networks: [{ name: 'bridge', ip: '172.17.0.2' }],
    mounts: [{ type: 'volume', source: 'myapp_data', destination: '/data', rw: true }],
    env: [
      { key: 'NODE_ENV', value: 'production' },
      { key: 'DB_PASSWORD', value: '********' },
    ],
    command: "nginx -g 'daemon off;'",
    labels: { 'com.docker.compose.project': 'myapp' },
    stats: {
      cpuPercent: 1.4,
      memUsage: 20971520,
      memLimit: 536870912,
      netRxBytes: 12345,
      netTxBytes: 67890,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    },
    ...overrides,
  };
}

export function agentReport(overrides: Partial<AgentReport> = {}, containers = 2): AgentReport {
  return {
    hostId: 'proxmox-vm-1',
    hostname: 'docker01',
    agentVersion: '1',
    reportedAt: new Date().toISOString(),
    containers: Array.from({ length: containers }, () => agentContainer()),
    ...overrides,
  };
}

/** A schema v2 full report of `report`, tagged with `digest` (any 64 hex: opaque to the server). */
export function fullReport(report: AgentReport, digest: string): AgentReport {
  return { ...report, schemaVersion: 2, kind: 'full', agentVersion: '2', inventoryDigest: digest };
}

/** The steady report an agent sends after `report`: short ids, the stats as arrays. */
export function steadyReport(
  report: AgentReport,
  digest: string,
  cpuPercent = 7.5,
): AgentSteadyReport {
  return {
    schemaVersion: 2,
    kind: 'steady',
    hostId: report.hostId,
    hostname: report.hostname,
    agentVersion: '2',
    reportedAt: new Date().toISOString(),
    inventoryDigest: digest,
    containers: report.containers.map(({ id, status, stats }) => ({
      id: id.slice(0, 12),
      status,
      stats: stats && [
        cpuPercent,
        stats.memUsage,
        stats.memLimit,
        stats.netRxBytes,
        stats.netTxBytes,
        stats.blockReadBytes,
        stats.blockWriteBytes,
      ],
    })),
  };
}
