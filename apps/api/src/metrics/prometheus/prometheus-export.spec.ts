import type { ContainerHost } from '@archnest/contracts';
import type { LatestRow } from '../metrics.store';
import { prometheusExport } from './prometheus-export';

const row = (container: string, t: number): LatestRow => ({
  source: 'docker-tcp',
  hostId: 'h1',
  container,
  image: 'nginx:1.27',
  t,
  cpu: 12.5,
  mem: 1_024,
  memLimit: 4_096,
  netRx: 100,
  netTx: 200,
});

const host: ContainerHost = {
  source: 'docker-tcp',
  hostId: 'h1',
  name: 'Edge "one"',
  status: 'online',
  containerCount: 2,
  capabilities: ['inspect'],
  lastSeenAt: null,
};

describe('prometheusExport', () => {
  it('exports fresh containers with every figure, stale ones as down only, and every host', async () => {
    const { body, contentType } = await prometheusExport(
      [row('web', 1_000), row('old', 100)],
      [host, { ...host, hostId: 'h2', status: 'unreachable' }],
      900,
    );
    const labels = 'source="docker-tcp",host="h1",container="web",image="nginx:1.27"';
    expect(contentType).toContain('text/plain');
    expect(body).toContain(`archnest_container_up{${labels}} 1`);
    expect(body).toContain(`archnest_container_cpu_percent{${labels}} 12.5`);
    expect(body).toContain(`archnest_container_memory_usage_bytes{${labels}} 1024`);
    expect(body).toContain(`archnest_container_memory_limit_bytes{${labels}} 4096`);
    expect(body).toContain('# TYPE archnest_container_network_receive_bytes_total counter');
    expect(body).toContain(`archnest_container_network_receive_bytes_total{${labels}} 100`);
    expect(body).toContain(`archnest_container_network_transmit_bytes_total{${labels}} 200`);
    expect(body).toContain(
      'archnest_container_up{source="docker-tcp",host="h1",container="old",image="nginx:1.27"} 0',
    );
    expect(body).not.toContain(
      'archnest_container_cpu_percent{source="docker-tcp",host="h1",container="old"',
    );
    expect(body).toContain('archnest_host_up{source="docker-tcp",host="h1"} 1');
    expect(body).toContain('archnest_host_up{source="docker-tcp",host="h2"} 0');
    expect(body).toContain('name="Edge \\"one\\""');
  });
});
