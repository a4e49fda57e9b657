import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { Auth } from '../auth/auth';
import { registerIcons } from '../shell/icons';
import { AlertChannels } from './alert-channels';
import { AlertEvents } from './alert-events';
import { AlertRules } from './alert-rules';

/** Alerts: rules and events for everyone; admins also write rules and manage the channels. */
@Component({
  selector: 'app-alerts',
  imports: [MatTabsModule, AlertChannels, AlertEvents, AlertRules],
  templateUrl: './alerts.html',
  styleUrl: './alerts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Alerts {
  protected readonly isAdmin = inject(Auth).isAdmin;

  constructor() {
    registerIcons();
  }
}
