import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import type { ContainerDetail } from '@archnest/contracts';

/** Published and exposed ports, and the networks a container is attached to. */
@Component({
  selector: 'app-container-network',
  imports: [MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './detail-section.scss',
  template: `
    <h3>Ports</h3>
    <table mat-table [dataSource]="detail().ports" aria-label="Ports">
      <ng-container matColumnDef="hostIp">
        <th mat-header-cell *matHeaderCellDef>Host address</th>
        <td mat-cell *matCellDef="let port" class="mono">{{ port.hostIp ?? '—' }}</td>
      </ng-container>
      <ng-container matColumnDef="hostPort">
        <th mat-header-cell *matHeaderCellDef>Host port</th>
        <td mat-cell *matCellDef="let port" class="mono">{{ port.hostPort ?? 'not published' }}</td>
      </ng-container>
      <ng-container matColumnDef="containerPort">
        <th mat-header-cell *matHeaderCellDef>Container port</th>
        <td mat-cell *matCellDef="let port" class="mono">{{ port.containerPort }}</td>
      </ng-container>
      <ng-container matColumnDef="proto">
        <th mat-header-cell *matHeaderCellDef>Protocol</th>
        <td mat-cell *matCellDef="let port">{{ port.proto }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="portColumns"></tr>
      <tr mat-row *matRowDef="let row; columns: portColumns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="portColumns.length">No ports exposed</td>
      </tr>
    </table>

    <h3>Networks</h3>
    <table mat-table [dataSource]="detail().networks" aria-label="Networks">
      <ng-container matColumnDef="name">
        <th mat-header-cell *matHeaderCellDef>Network</th>
        <td mat-cell *matCellDef="let network">{{ network.name }}</td>
      </ng-container>
      <ng-container matColumnDef="ip">
        <th mat-header-cell *matHeaderCellDef>IP address</th>
        <td mat-cell *matCellDef="let network" class="mono">{{ network.ip ?? '—' }}</td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="networkColumns"></tr>
      <tr mat-row *matRowDef="let row; columns: networkColumns"></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="networkColumns.length">
          Not attached to a network
        </td>
      </tr>
    </table>
  `,
})
export class ContainerNetwork {
  readonly detail = input.required<ContainerDetail>();

  protected readonly portColumns = ['hostIp', 'hostPort', 'containerPort', 'proto'];
  protected readonly networkColumns = ['name', 'ip'];
}
