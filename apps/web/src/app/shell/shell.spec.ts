import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatNavListHarness } from '@angular/material/list/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { Router, provideRouter } from '@angular/router';
import type { User, UserRole } from '@archnest/contracts';
import type { AlertEventPage } from '@archnest/contracts';
import { FIRING_POLL_MS } from '../alerts/firing-alerts';
import { Auth, TOKEN_STORAGE_KEY } from '../auth/auth';
import { authInterceptor } from '../auth/auth-interceptor';
import { Shell } from './shell';
import { THEME_STORAGE_KEY } from './theme';

@Component({ template: '' })
class Blank {}

function user(role: UserRole): User {
  return {
    id: 'u1',
    username: role === 'admin' ? 'alice' : 'bob',
    role,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

async function renderShellAs(role: UserRole): Promise<HarnessLoader> {
  localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(withInterceptors([authInterceptor])),
      provideHttpClientTesting(),
      provideRouter([{ path: '**', component: Blank }]),
    ],
  });
  const signedIn = TestBed.inject(Auth).loadUser();
  TestBed.inject(HttpTestingController).expectOne('/api/auth/me').flush(user(role));
  await signedIn;
  return TestbedHarnessEnvironment.loader(TestBed.createComponent(Shell));
}

async function navLabels(loader: HarnessLoader): Promise<string[]> {
  const items = await (await loader.getHarness(MatNavListHarness)).getItems();
  return Promise.all(items.map((item) => item.getFullText()));
}

function accountMenu(loader: HarnessLoader): Promise<MatMenuHarness> {
  return loader.getHarness(MatMenuHarness.with({ selector: '[aria-label="Account menu"]' }));
}

/** Answers the badge's poll: how many alerts fire now. */
async function answerFiring(firing: number): Promise<void> {
  const http = TestBed.inject(HttpTestingController);
  const poll = await vi.waitFor(() =>
    http.expectOne(
      (r) =>
        r.url === '/api/alerts/events' &&
        r.params.get('status') === 'firing' &&
        r.params.get('pageSize') === '1',
    ),
  );
  poll.flush({ items: [], total: firing, page: 1, pageSize: 1, firing } satisfies AlertEventPage);
}

describe('Shell', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.useRealTimers());

  it('shows no badge on Alerts while nothing fires', async () => {
    const loader = await renderShellAs('member');
    await answerFiring(0);

    expect(await navLabels(loader)).toContain('Alerts');
    expect(document.querySelector('.badge')).toBeNull();
  });

  it('badges Alerts with how many fire, polled every 30 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const loader = await renderShellAs('admin');
    await answerFiring(2);
    await vi.waitFor(async () => expect(await navLabels(loader)).toContain('Alerts 2(2 firing)'));

    vi.advanceTimersByTime(FIRING_POLL_MS);
    await answerFiring(0);
    await vi.waitFor(async () => expect(await navLabels(loader)).toContain('Alerts'));
    expect(document.querySelector('.badge')).toBeNull();
  });

  it('shows a member only what members may use', async () => {
    const loader = await renderShellAs('member');

    expect(await navLabels(loader)).toEqual(['Containers', 'Alerts', 'API docs']);
  });

  it('shows an admin the admin pages', async () => {
    const loader = await renderShellAs('admin');

    expect(await navLabels(loader)).toEqual([
      'Containers',
      'Alerts',
      'Hosts',
      'Users',
      'Audit',
      'API docs',
    ]);
  });

  it('names the signed-in user and role in the account menu', async () => {
    const menu = await accountMenu(await renderShellAs('member'));
    await menu.open();

    const texts = await Promise.all((await menu.getItems()).map((item) => item.getText()));
    expect(texts[0]).toContain('bob');
    expect(texts[0]).toContain('Member');
    expect(texts).toContain('Sign out');
  });

  it('leads every user to their API keys from the account menu', async () => {
    const menu = await accountMenu(await renderShellAs('member'));
    await menu.open();
    await menu.clickItem({ text: 'API keys' });

    await vi.waitFor(() => expect(TestBed.inject(Router).url).toBe('/api-keys'));
  });

  it('signs out: drops the token and goes to /login', async () => {
    const menu = await accountMenu(await renderShellAs('admin'));
    await menu.open();
    await menu.clickItem({ text: 'Sign out' });

    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(TestBed.inject(Auth).user()).toBeNull();
    await vi.waitFor(() => expect(TestBed.inject(Router).url).toBe('/login'));
  });

  it('toggles the theme and remembers the choice', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    const loader = await renderShellAs('member');

    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Switch to dark theme"]' }),
      )
    ).click();

    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(document.documentElement.style.colorScheme).toBe('dark');
    expect(
      await loader.getHarnessOrNull(
        MatButtonHarness.with({ selector: '[aria-label="Switch to light theme"]' }),
      ),
    ).not.toBeNull();
  });
});
