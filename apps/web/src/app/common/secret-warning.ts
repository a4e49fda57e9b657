import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { registerIcons } from '../shell/icons';

/** The notice beside a token or key shown once: it cannot be shown again. */
@Component({
  selector: 'app-secret-warning',
  imports: [MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-icon svgIcon="warning" aria-hidden="true" />
    <span>
      <strong>Copy the {{ what() }} now: it will not be shown again.</strong>
      ArchNest keeps only a hash of it. If it is lost, {{ remedy() }}.
    </span>
  `,
  host: { role: 'alert' },
  styles: `
    :host {
      display: flex;
      align-items: flex-start;
      gap: 8px;
      padding: 12px 16px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }

    mat-icon {
      flex: none;
    }
  `,
})
export class SecretWarning {
  /** "token" or "key". */
  readonly what = input.required<string>();
  /** What to do instead, e.g. "rotate it to get a new one". */
  readonly remedy = input.required<string>();

  constructor() {
    registerIcons();
  }
}
