import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import type { Mount } from '@archnest/contracts';

/** Volumes, bind mounts and tmpfs of a container. */
@Component({
  selector: 'app-container-mounts',
  imports: [MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './detail-section.scss',
  template: `
    <h3>Mounts</h3>
    <table mat-table [dataSource]="mounts()" aria-label="Mounts">
      <ng-container matColumnDef="type">
        <th mat-header-cell *matHeaderCellDef>Type</th>
        <td mat-cell *matCellDef="let mount">{{ mount.type }}</td>
      </ng-container>
      <ng-container matColumnDef="source">
        <th mat-header-cell *matHeaderCellDef>Source</th>
        <td mat-cell *matCellDef="let mount" class="mono">{{ mount.source || '—' }}</td>
      </ng-container>
      <ng-container matColumnDef="destination">
        <th mat-header-cell *matHeaderCellDef>Destination</th>
        <td mat-cell *matCellDef="let mount" class="mono">{{ mount.destination }}</td>
      </ng-container>
      <ng-container matColumnDef="mode">
        <th mat-header-cell *matHeaderCellDef>Mode</th>
        <td mat-cell *matCellDef="let mount">{{ mount.rw ? 'read-write' : 'read-only' }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="columns.length">No mounts</td>
      </tr>
    </table>
  `,
})
export class ContainerMounts {
  readonly mounts = input.required<Mount[]>();

  protected readonly columns = ['type', 'source', 'destination', 'mode'];
}
