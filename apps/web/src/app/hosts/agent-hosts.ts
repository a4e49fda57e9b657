import { Clipboard } from '@angular/cdk/clipboard';
import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  computed,
  inject,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { AgentHost } from '@archnest/contracts';
import { ServerList } from '../common/server-list';
import { registerIcons } from '../shell/icons';
import { timeAgo } from '../containers/format';
import { HostTrend } from '../metrics/host-trend';
import { HostsApi } from './hosts-api';

const HOST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The env file and systemd steps of docs/docker-agent-monitoring.md, for one host id. */
export function installSnippet(serverUrl: string, hostId: string): string {
  return [
    '# On the Docker host, as root, in a copy of the agent/ folder of ArchNest:',
    'install -m 0755 archnest-docker-agent.sh /usr/local/bin/archnest-docker-agent.sh',
    'useradd --system --no-create-home --shell /usr/sbin/nologin archnest-agent',
    'usermod -aG docker archnest-agent',
    'install -d -m 0755 /etc/archnest',
    "cat > /etc/archnest/agent.env <<'EOF'",
    `ARCHNEST_URL=${serverUrl}`,
    "ARCHNEST_AGENT_TOKEN=<the server's ARCHNEST_AGENT_TOKEN>",
    `ARCHNEST_HOST_ID=${hostId}`,
    'EOF',
    'chown archnest-agent:archnest-agent /etc/archnest/agent.env',
    'chmod 0600 /etc/archnest/agent.env',
    "archnest-docker-agent.sh --env-file /etc/archnest/agent.env --dry-run | jq '.containers | length'",
    'install -m 0644 systemd/archnest-docker-agent.service systemd/archnest-docker-agent.timer /etc/systemd/system/',
    'systemctl daemon-reload && systemctl enable --now archnest-docker-agent.timer',
  ].join('\n');
}

/** Hosts that report through the push agent, and how to install the agent on another one. */
@Component({
  selector: 'app-agent-hosts',
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    HostTrend,
  ],
  templateUrl: './agent-hosts.html',
  styleUrl: './agent-hosts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentHosts {
  private readonly api = inject(HostsApi);
  private readonly clipboard = inject(Clipboard);
  private readonly snackBar = inject(MatSnackBar);
  private readonly origin = inject(DOCUMENT).location.origin;

  protected readonly columns = [
    'hostId',
    'hostname',
    'status',
    'receivedAt',
    'containers',
    'trend',
    'version',
  ];
  protected readonly now = signal(Date.now());
  /** Each load also moves `now`, the clock the last reports are shown against. */
  protected readonly list = new ServerList(async () => {
    const hosts = await this.api.agentHosts();
    this.now.set(Date.now());
    return hosts;
  });
  protected readonly hostId = signal('docker01');
  protected readonly hostIdValid = computed(() => HOST_ID.test(this.hostId()));
  protected readonly snippet = computed(() =>
    installSnippet(this.origin, this.hostIdValid() ? this.hostId() : '<host id>'),
  );

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected lastReport(host: AgentHost): string {
    return timeAgo(host.receivedAt, this.now()) ?? '—';
  }

  protected copySnippet(): void {
    const copied = this.clipboard.copy(this.snippet());
    this.snackBar.open(
      copied ? 'Install steps copied' : 'Copy failed: select the text and copy it',
      undefined,
      { duration: 4000 },
    );
  }
}
