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
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { MatSnackBar } from '@angular/material/snack-bar';
import {
  AGENT_HOST_ID_PATTERN,
  type AgentTokenSummary,
  type IssuedAgentToken,
} from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { Auth } from '../auth/auth';
import { ConfirmDialog, type ConfirmDialogData } from '../common/confirm-dialog';
import { CopyBlock } from '../common/copy-block';
import { describeError } from '../common/http-error';
import { ServerList } from '../common/server-list';
import { registerIcons } from '../shell/icons';
import { timeAgo } from '../containers/format';
import { HostTrend } from '../metrics/host-trend';
import {
  TOKEN_STATUS_DOTS,
  TOKEN_STATUS_LABELS,
  agentHostRows,
  workingTokens,
  type AgentHostRow,
} from './agent-host-rows';
import { AgentTokenDialog, type AgentTokenDialogData } from './agent-token-dialog';
import { HostsApi } from './hosts-api';

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

/**
 * Hosts that report through the push agent with their token state; adds a host (its own token,
 * shown once), rotates and revokes tokens, and shows the install steps for the shared token.
 */
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
    MatTooltipModule,
    CopyBlock,
    HostTrend,
  ],
  templateUrl: './agent-hosts.html',
  styleUrl: './agent-hosts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentHosts {
  private readonly api = inject(HostsApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly origin = inject(DOCUMENT).location.origin;

  protected readonly isAdmin = inject(Auth).isAdmin;
  protected readonly columns = computed(() => [
    'hostId',
    'status',
    'containers',
    'trend',
    'version',
    'token',
    'tokenUsed',
    ...(this.isAdmin() ? ['actions'] : []),
  ]);
  protected readonly now = signal(Date.now());
  /** Each load also moves `now`, the clock the last reports are shown against. */
  protected readonly list = new ServerList(async () => {
    const [hosts, tokens] = await Promise.all([
      this.api.agentHosts(),
      // Tokens are admin-only on the server; the page is too, this is for safety only.
      this.isAdmin() ? this.api.agentTokens() : Promise.resolve([]),
    ]);
    this.now.set(Date.now());
    return agentHostRows(hosts, tokens);
  });
  protected readonly hostId = signal('docker01');
  protected readonly hostIdValid = computed(() => AGENT_HOST_ID_PATTERN.test(this.hostId()));
  protected readonly snippet = computed(() =>
    installSnippet(this.origin, this.hostIdValid() ? this.hostId() : '<host id>'),
  );

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected ago(iso: string | null | undefined, never = '—'): string {
    return timeAgo(iso ?? null, this.now()) ?? never;
  }

  protected tokenLabel(row: AgentHostRow): string {
    return TOKEN_STATUS_LABELS[row.tokenStatus];
  }

  protected tokenDot(row: AgentHostRow): string | null {
    return TOKEN_STATUS_DOTS[row.tokenStatus];
  }

  protected canRevoke(row: AgentHostRow): boolean {
    return workingTokens(row).length > 0;
  }

  /** Opens the enrollment dialog, for a new host or (prefilled) one without a token. */
  protected async addHost(hostId?: string): Promise<void> {
    await this.showTokenDialog({ hostId });
  }

  protected async rotateToken(row: AgentHostRow): Promise<void> {
    const token = row.token;
    if (!token || !(await this.confirm(rotateQuestion(row)))) {
      return;
    }
    let rotated: IssuedAgentToken;
    try {
      rotated = await this.api.rotateAgentToken(token.id);
    } catch (error) {
      this.snackBar.open(describeError(error), 'Dismiss', { duration: 10_000 });
      return;
    }
    // The reload shows the old token with the end of its overlap (the server's setting).
    await this.list.load();
    const previous = this.list
      .items()
      .flatMap((r) => r.previous)
      .find((t) => t.replacedBy === rotated.id);
    await this.showTokenDialog({ rotated, previousUntil: previous?.expiresAt ?? undefined });
  }

  protected async revokeToken(row: AgentHostRow): Promise<void> {
    const tokens = workingTokens(row);
    await this.list.confirmRemove(
      revokeQuestion(row, tokens),
      async () => {
        for (const token of tokens) {
          await this.api.revokeAgentToken(token.id);
        }
      },
      `Token of ${row.hostId} revoked`,
    );
  }

  private async confirm(question: ConfirmDialogData): Promise<boolean> {
    return !!(await firstValueFrom(
      this.dialog
        .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, { data: question })
        .afterClosed(),
    ));
  }

  private async showTokenDialog(data: AgentTokenDialogData): Promise<void> {
    const issuedFor = await firstValueFrom(
      this.dialog
        .open<AgentTokenDialog, AgentTokenDialogData, string>(AgentTokenDialog, {
          data,
          maxWidth: '90vw',
        })
        .afterClosed(),
    );
    if (issuedFor || data.rotated) {
      await this.list.load();
    }
  }
}

function rotateQuestion(row: AgentHostRow): ConfirmDialogData {
  return {
    title: `Rotate the token of ${row.hostId}?`,
    message:
      'A new token is issued and shown once. The current one keeps working for a short ' +
      'overlap (10 minutes unless the server says otherwise), so the running agent can be ' +
      'given the new one; then it is refused.',
    confirmLabel: 'Rotate',
  };
}

function revokeQuestion(row: AgentHostRow, tokens: AgentTokenSummary[]): ConfirmDialogData {
  const which = tokens.length > 1 ? `its ${tokens.length} tokens stop` : 'its token stops';
  return {
    title: `Revoke the token of ${row.hostId}?`,
    message:
      `The agent on ${row.hostId} is refused from now on: ${which} working at once. ` +
      'To let it report again, add the host anew and install the new token.',
    confirmLabel: 'Revoke',
  };
}
