import { Injectable, signal } from '@angular/core';
import type { ContainerRow } from './sources';

/**
 * The open container tabs of the Containers page. Index 0 of the tab group is the list; a
 * container's tab is at its position here plus one. Tabs hold their own copy of the row, so a
 * refresh of the list (or a switch of host) leaves them open.
 */
@Injectable()
export class DetailTabs {
  private readonly openTabs = signal<readonly ContainerRow[]>([]);

  readonly tabs = this.openTabs.asReadonly();
  /** The selected index of the tab group (0: the list). */
  readonly selectedIndex = signal(0);

  /** Opens a tab for the container, or focuses the one already open. */
  open(row: ContainerRow): void {
    const at = this.openTabs().findIndex((tab) => tab.key === row.key);
    if (at >= 0) {
      this.selectedIndex.set(at + 1);
      return;
    }
    this.openTabs.update((tabs) => [...tabs, row]);
    this.selectedIndex.set(this.openTabs().length);
  }

  close(key: string): void {
    const at = this.openTabs().findIndex((tab) => tab.key === key);
    if (at < 0) {
      return;
    }
    const index = at + 1;
    const selected = this.selectedIndex();
    this.openTabs.update((tabs) => tabs.filter((tab) => tab.key !== key));
    if (selected >= index) {
      // Closing the selected tab shows its left neighbour; closing one before it keeps the same tab.
      this.selectedIndex.set(Math.max(0, selected - 1));
    }
  }

  /** Closes the tab at a tab-group index (the list at 0 cannot be closed). */
  closeAt(index: number): void {
    const tab = this.openTabs()[index - 1];
    if (tab) {
      this.close(tab.key);
    }
  }
}
