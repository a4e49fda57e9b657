import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import type { EnvVar } from '@archnest/contracts';

/** Environment (masked by the server) and labels of a container. */
@Component({
  selector: 'app-container-env',
  imports: [MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './detail-section.scss',
  template: `
    <h3>Environment</h3>
    <p class="note">
      Values of variables whose names look like secrets (PASS, SECRET, TOKEN, KEY, PRIVATE,
      CREDENTIAL) are masked by the server as ********; the real value never reaches the browser.
    </p>
    <table mat-table [dataSource]="env()" aria-label="Environment">
      <ng-container matColumnDef="key">
        <th mat-header-cell *matHeaderCellDef>Variable</th>
        <td mat-cell *matCellDef="let variable" class="mono">{{ variable.key }}</td>
      </ng-container>
      <ng-container matColumnDef="value">
        <th mat-header-cell *matHeaderCellDef>Value</th>
        <td mat-cell *matCellDef="let variable" class="mono value">{{ variable.value }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="columns.length">No environment variables</td>
      </tr>
    </table>

    <h3>Labels</h3>
    <table mat-table [dataSource]="labelRows()" aria-label="Labels">
      <ng-container matColumnDef="key">
        <th mat-header-cell *matHeaderCellDef>Label</th>
        <td mat-cell *matCellDef="let label" class="mono">{{ label.key }}</td>
      </ng-container>
      <ng-container matColumnDef="value">
        <th mat-header-cell *matHeaderCellDef>Value</th>
        <td mat-cell *matCellDef="let label" class="mono value">{{ label.value }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="columns.length">No labels</td>
      </tr>
    </table>
  `,
})
export class ContainerEnv {
  readonly env = input.required<EnvVar[]>();
  readonly labels = input.required<Record<string, string>>();

  protected readonly columns = ['key', 'value'];
  protected readonly labelRows = computed(() =>
    Object.entries(this.labels())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value })),
  );
}
