import type { ContainerHost } from '@archnest/contracts';
import { Counter, Gauge, Registry } from 'prom-client';
import type { LatestRow } from '../metrics.store';

const CONTAINER_LABELS = ['source', 'host', 'container', 'image'] as const;
const HOST_LABELS = ['source', 'host'] as const;

type ContainerLabels = Record<(typeof CONTAINER_LABELS)[number], string>;

/**
 * The Prometheus text exposition of what the history holds: every container sampled lately,
 * with `archnest_container_up` 0 once its newest sample is older than `freshSince` (stopped,
 * removed or its host unreachable), and every host of every source. A fresh registry per
 * scrape, so nothing outlives the answer and a removed container leaves no series behind.
 */
export async function prometheusExport(
  latest: readonly LatestRow[],
  hosts: readonly ContainerHost[],
  freshSince: number,
): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: CONTAINER_LABELS, registers: [registry] });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: CONTAINER_LABELS, registers: [registry] });
  const up = gauge('archnest_container_up', '1 while the container is sampled, else 0');
  const cpu = gauge('archnest_container_cpu_percent', 'CPU use, 100 = one full core');
  const memory = gauge('archnest_container_memory_usage_bytes', 'Memory use, without cache');
  const limit = gauge('archnest_container_memory_limit_bytes', 'Memory limit');
  const received = counter('archnest_container_network_receive_bytes_total', 'Bytes received');
  const sent = counter('archnest_container_network_transmit_bytes_total', 'Bytes sent');
  for (const row of latest) {
    const labels: ContainerLabels = {
      source: row.source,
      host: row.hostId,
      container: row.container,
      image: row.image,
    };
    const fresh = row.t >= freshSince;
    up.set(labels, fresh ? 1 : 0);
    if (!fresh) {
      continue;
    }
    setIfKnown(cpu, labels, row.cpu);
    setIfKnown(memory, labels, row.mem);
    setIfKnown(limit, labels, row.memLimit);
    if (row.netRx !== null) {
      received.inc(labels, row.netRx);
    }
    if (row.netTx !== null) {
      sent.inc(labels, row.netTx);
    }
  }
  addHosts(registry, hosts);
  return { contentType: registry.contentType, body: await registry.metrics() };
}

function setIfKnown(gauge: Gauge<string>, labels: ContainerLabels, value: number | null): void {
  if (value !== null) {
    gauge.set(labels, value);
  }
}

function addHosts(registry: Registry, hosts: readonly ContainerHost[]): void {
  const up = new Gauge({
    name: 'archnest_host_up',
    help: '1 while the host answers (an agent host: reports in time), else 0',
    labelNames: HOST_LABELS,
    registers: [registry],
  });
  const info = new Gauge({
    name: 'archnest_host_info',
    help: "The host's display name and status; always 1",
    labelNames: [...HOST_LABELS, 'name', 'status'],
    registers: [registry],
  });
  for (const host of hosts) {
    up.set({ source: host.source, host: host.hostId }, host.status === 'online' ? 1 : 0);
    info.set({ source: host.source, host: host.hostId, name: host.name, status: host.status }, 1);
  }
}
