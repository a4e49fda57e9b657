import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { of } from 'rxjs';
import { ConfirmDialog } from './confirm-dialog';
import { ServerList } from './server-list';

describe('ServerList', () => {
  let answer: boolean;
  let dialog: { open: ReturnType<typeof vi.fn> };
  let snackBar: { open: ReturnType<typeof vi.fn> };

  function list(fetch: () => Promise<string[]>): ServerList<string> {
    return TestBed.runInInjectionContext(() => new ServerList(fetch));
  }

  beforeEach(() => {
    answer = true;
    dialog = { open: vi.fn(() => ({ afterClosed: () => of(answer) })) };
    snackBar = { open: vi.fn() };
    TestBed.configureTestingModule({
      providers: [
        { provide: MatDialog, useValue: dialog },
        { provide: MatSnackBar, useValue: snackBar },
      ],
    });
  });

  it('loads, and keeps the error of a failed load until a load succeeds', async () => {
    const fetch = vi
      .fn<() => Promise<string[]>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce(['a', 'b']);
    const hosts = list(fetch);
    expect([hosts.loaded(), hosts.loading()]).toEqual([false, false]);

    const first = hosts.load();
    expect(hosts.loading()).toBe(true);
    await first;
    expect([hosts.error(), hosts.loaded(), hosts.loading()]).toEqual(['down', true, false]);

    const retry = hosts.load();
    expect(hosts.error()).toBe('down');
    await retry;
    expect([hosts.items(), hosts.error()]).toEqual([['a', 'b'], null]);
  });

  it('removes only after a yes, says so and reloads', async () => {
    const remove = vi.fn(() => Promise.resolve());
    const fetch = vi.fn(() => Promise.resolve(['a']));
    const hosts = list(fetch);
    const question = { title: 'Remove a?', message: 'Gone for good.', confirmLabel: 'Remove' };

    answer = false;
    await hosts.confirmRemove(question, remove, 'a removed');
    expect(dialog.open).toHaveBeenCalledWith(ConfirmDialog, { data: question });
    expect([remove.mock.calls.length, fetch.mock.calls.length]).toEqual([0, 0]);

    answer = true;
    await hosts.confirmRemove(question, remove, 'a removed');
    expect([remove.mock.calls.length, fetch.mock.calls.length]).toEqual([1, 1]);
    expect(snackBar.open).toHaveBeenCalledWith('a removed', undefined, { duration: 4000 });
  });

  it('reports a failed change and reloads anyway', async () => {
    const fetch = vi.fn(() => Promise.resolve(['a']));
    const hosts = list(fetch);
    await hosts.change(() => Promise.reject(new Error('The last admin cannot be deleted')));
    expect(snackBar.open).toHaveBeenCalledWith('The last admin cannot be deleted', 'Dismiss', {
      duration: 10_000,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(hosts.items()).toEqual(['a']);
  });
});
