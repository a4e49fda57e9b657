import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { SOURCE_KINDS, type ContainerHost } from '@archnest/contracts';
import { HostTrend } from '../metrics/host-trend';
import { timeAgo } from './format';
import { ALL_HOSTS, SOURCE_LABELS, STATUS_LABELS, hostKey } from './sources';

interface HostOption {
  key: string;
  source: ContainerHost['source'];
  hostId: string;
  name: string;
  status: ContainerHost['status'];
  details: string;
}

function countLabel(count: number | null): string {
  return count === null ? 'count unknown' : count === 1 ? '1 container' : `${count} containers`;
}

function describeHost(host: ContainerHost, now: number): string {
  const parts = [STATUS_LABELS[host.status], countLabel(host.containerCount)];
  const ago = timeAgo(host.lastSeenAt, now);
  if (ago) {
    parts.push(host.source === 'agent' ? `last report ${ago}` : `seen ${ago}`);
  }
  return parts.join(' · ');
}

/** Picks "All hosts" or one host; grouped by source, with status, counts and the last hour. */
@Component({
  selector: 'app-host-select',
  imports: [MatFormFieldModule, MatSelectModule, HostTrend],
  templateUrl: './host-select.html',
  styleUrl: './host-select.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostSelect {
  readonly hosts = input.required<ContainerHost[]>();
  /** Re-evaluates "last report … ago" on every refresh. */
  readonly now = input<number>(Date.now());
  readonly selected = model.required<string>();

  protected readonly allHosts = ALL_HOSTS;
  protected readonly groups = computed(() =>
    SOURCE_KINDS.map((source) => ({
      source,
      label: SOURCE_LABELS[source],
      hosts: this.hosts()
        .filter((host) => host.source === source)
        .map((host): HostOption => ({
          key: hostKey(host),
          source: host.source,
          hostId: host.hostId,
          name: host.name,
          status: host.status,
          details: describeHost(host, this.now()),
        })),
    })).filter((group) => group.hosts.length > 0),
  );
  protected readonly allDetails = computed(() => {
    const hosts = this.hosts();
    const total = hosts.reduce((sum, host) => sum + (host.containerCount ?? 0), 0);
    return `${hosts.length === 1 ? '1 host' : `${hosts.length} hosts`} · ${countLabel(total)}`;
  });
  protected readonly triggerLabel = computed(() => {
    const key = this.selected();
    if (key === ALL_HOSTS) {
      return 'All hosts';
    }
    const host = this.hosts().find((h) => hostKey(h) === key);
    return host ? `${host.name} (${SOURCE_LABELS[host.source]})` : 'Unknown host';
  });
}
