import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { AlertChannel, AlertRule, ContainerHost } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { Auth } from '../auth/auth';
import { ServerList } from '../common/server-list';
import { ContainersApi } from '../containers/containers-api';
import { registerIcons } from '../shell/icons';
import { AlertsApi } from './alerts-api';
import { FiringAlerts } from './firing-alerts';
import { RuleDialog, type RuleDialogData } from './rule-dialog';
import { describeCondition, describeScope, kindLabel } from './rule-kinds';

/** The Rules tab: everyone reads them; admins create, edit, enable/disable and delete. */
@Component({
  selector: 'app-alert-rules',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTableModule,
    MatTooltipModule,
  ],
  templateUrl: './alert-rules.html',
  styleUrl: './alert-tab.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertRules {
  private readonly api = inject(AlertsApi);
  private readonly containersApi = inject(ContainersApi);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly firing = inject(FiringAlerts);

  protected readonly isAdmin = inject(Auth).isAdmin;
  protected readonly kindLabel = kindLabel;
  protected readonly columns = computed(() => [
    'name',
    'kind',
    'scope',
    'condition',
    'channels',
    'enabled',
    ...(this.isAdmin() ? ['actions'] : []),
  ]);
  /** Channels are listed to admins only; a member sees how many a rule has. */
  private readonly channels = signal<AlertChannel[]>([]);
  private readonly hosts = signal<ContainerHost[]>([]);
  protected readonly list = new ServerList(async () => {
    const [rules] = await Promise.all([this.api.rules(), this.loadNames()]);
    return rules;
  });

  constructor() {
    registerIcons();
    void this.list.load();
  }

  protected scope(rule: AlertRule): string {
    return describeScope(rule.scope, this.hosts());
  }

  protected condition(rule: AlertRule): string {
    return describeCondition(rule);
  }

  protected channelNames(rule: AlertRule): string {
    if (!rule.channelIds.length) {
      return 'None';
    }
    if (!this.isAdmin()) {
      return rule.channelIds.length === 1 ? '1 channel' : `${rule.channelIds.length} channels`;
    }
    const byId = new Map(this.channels().map((c) => [c.id, c.name]));
    return rule.channelIds.map((id) => byId.get(id) ?? 'unknown channel').join(', ');
  }

  protected async createRule(): Promise<void> {
    await this.openDialog(null);
  }

  protected async editRule(rule: AlertRule): Promise<void> {
    await this.openDialog(rule);
  }

  protected async setEnabled(rule: AlertRule, enabled: boolean): Promise<void> {
    await this.list.change(
      () => this.api.updateRule(rule.id, { enabled }),
      `${rule.name} ${enabled ? 'enabled' : 'disabled'}`,
    );
    await this.firing.refresh();
  }

  protected async removeRule(rule: AlertRule): Promise<void> {
    await this.list.confirmRemove(
      {
        title: `Delete ${rule.name}?`,
        message:
          'The rule stops being evaluated and its open alerts end. Past events stay on the ' +
          'Events tab.',
        confirmLabel: 'Delete',
      },
      () => this.api.removeRule(rule.id),
      `${rule.name} deleted`,
    );
    await this.firing.refresh();
  }

  /** Host and channel names for the table; without them it shows ids and counts. */
  private async loadNames(): Promise<void> {
    const [hosts, channels] = await Promise.allSettled([
      this.containersApi.hosts(),
      this.isAdmin() ? this.api.channels() : Promise.resolve([]),
    ]);
    if (hosts.status === 'fulfilled') {
      this.hosts.set(hosts.value);
    }
    if (channels.status === 'fulfilled') {
      this.channels.set(channels.value);
    }
  }

  private async openDialog(rule: AlertRule | null): Promise<void> {
    const data: RuleDialogData = { rule, channels: this.channels(), hosts: this.hosts() };
    const saved = await firstValueFrom(
      this.dialog
        .open<RuleDialog, RuleDialogData, AlertRule>(RuleDialog, { data, maxWidth: '90vw' })
        .afterClosed(),
    );
    if (saved) {
      this.snackBar.open(`${saved.name} ${rule ? 'saved' : 'created'}`, undefined, {
        duration: 4000,
      });
      await this.list.load();
      await this.firing.refresh();
    }
  }
}
