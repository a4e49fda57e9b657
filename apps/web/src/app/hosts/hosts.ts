import { ChangeDetectionStrategy, Component } from '@angular/core';

/** Admin placeholder: host management arrives with the container sources. */
@Component({
  selector: 'app-hosts',
  templateUrl: './hosts.html',
  styleUrl: './hosts.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Hosts {}
