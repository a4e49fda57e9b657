// The agent report fixture of the ingest benchmarks (agent-ingest.mjs, metrics-ingest.mjs).
/** The container the ingest benchmarks report, named app-<i>: a typical compose service. */
export function agentContainer(i) {
  return {
    id: i.toString(16).padStart(64, 'c'),
    name: `app-${i}`,
    image: 'nginx:1.27',
    imageId: `sha256:${'d'.repeat(64)}`,
    state: 'running',
    status: 'Up 3 hours',
    createdAt: '2026-06-20T16:30:00Z',
    startedAt: '2026-06-20T16:30:01Z',
    restartCount: 0,
    restartPolicy: 'unless-stopped',
    health: 'healthy',
    ports: [{ hostIp: '0.0.0.0', hostPort: 8000 + i, containerPort: 80, proto: 'tcp' }],
    networks: [{ name: 'bridge', ip: `172.17.0.${i + 2}` }],
    mounts: [{ type: 'volume', source: `data_${i}`, destination: '/data', rw: true }],
    env: [
      { key: 'NODE_ENV', value: 'production' },
      { key: 'DB_PASSWORD', value: '********' },
      { key: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    ],
    command: "nginx -g 'daemon off;'",
    labels: { 'com.docker.compose.project': 'myapp', 'com.docker.compose.service': `svc${i}` },
    stats: {
      cpuPercent: 1.4,
      memUsage: 20971520,
      memLimit: 536870912,
      netRxBytes: 12345,
      netTxBytes: 67890,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    },
  };
}
