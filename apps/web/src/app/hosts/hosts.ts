import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { registerIcons } from '../shell/icons';
import { AgentHosts } from './agent-hosts';
import { DockerHosts } from './docker-hosts';
import { SshTargets } from './ssh-targets';

/** Admin page: the inventories of the three sources. */
@Component({
  selector: 'app-hosts',
  imports: [MatTabsModule, AgentHosts, DockerHosts, SshTargets],
  templateUrl: './hosts.html',
  styleUrl: './hosts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Hosts {
  constructor() {
    registerIcons();
  }
}
