import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatSnackBar } from '@angular/material/snack-bar';
import { registerIcons } from '../shell/icons';

/** Text to copy (a command, a token) in a scrollable monospace block with a Copy button. */
@Component({
  selector: 'app-copy-block',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <pre tabindex="0" [attr.aria-label]="label()"><code>{{ text() }}</code></pre>
    <button mat-stroked-button type="button" class="copy" (click)="copyText()">
      <mat-icon svgIcon="content_copy" />
      Copy<span class="visually-hidden">{{ ' ' + what() }}</span>
    </button>
  `,
  styleUrl: './copy-block.scss',
})
export class CopyBlock {
  private readonly clipboard = inject(Clipboard);
  private readonly snackBar = inject(MatSnackBar);

  /** Names the block for screen readers, and its button ("Copy <label>"). */
  readonly label = input.required<string>();
  readonly text = input.required<string>();
  /** The snack bar text once copied. */
  readonly copiedMessage = input('Copied');

  /**
   * What the button copies, for screen readers ("Copy install command", "Copy API key"): the
   * label in lower case unless it starts with an acronym. Hidden text rather than aria-label, so
   * the block's label stays the only element labelled with it.
   */
  protected readonly what = computed(() => {
    const label = this.label();
    return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
  });

  constructor() {
    registerIcons();
  }

  protected copyText(): void {
    const copied = this.clipboard.copy(this.text());
    this.snackBar.open(
      copied ? this.copiedMessage() : 'Copy failed: select the text and copy it',
      undefined,
      { duration: 4000 },
    );
  }
}
