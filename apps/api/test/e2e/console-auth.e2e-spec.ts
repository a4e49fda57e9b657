/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { openDialog } from './console-support';

const ADMIN = { username: 'admin', password: 'first-admin-password' };
const MEMBER = { username: 'mia', password: 'member-password-1' };

async function signIn(page: Page, baseUrl: string, user: typeof ADMIN): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/containers');
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
}

function navLinks(page: Page): Promise<string[]> {
  return page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link')
    .allInnerTexts();
}

/** The built console in headless Chromium against the real API process (SQLite). */
describe('console: first run, sign-in, roles, sign-out', () => {
  let api: ApiProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    api = await startApiProcess();
    browser = await launchChromium();
    page = await browser.newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('sends a fresh install to the setup screen and creates the first admin there', async () => {
    await page.goto(api.baseUrl);
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.waitForURL('**/containers');
    expect(await navLinks(page)).toEqual(
      expect.arrayContaining(['Containers', 'Hosts', 'Users', 'Audit']),
    );
    const setup = await fetch(`${api.baseUrl}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'late', password: 'late-password' }),
    });
    expect(setup.status).toBe(409);
  });

  it('lets the admin create a member in the Users page', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    const dialog = await openDialog(page, page.getByRole('button', { name: 'Create user' }));
    await dialog.getByLabel('Username').fill(MEMBER.username);
    await dialog.getByLabel('Password').fill(MEMBER.password);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: /member/i }).click();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('table', { name: 'Users' }).getByText(MEMBER.username).waitFor();
  });

  it('signs out and back in', async () => {
    await signOut(page);
    expect(await page.evaluate(() => localStorage.getItem('archnest.accessToken'))).toBeNull();
    await signIn(page, api.baseUrl, ADMIN);
  });

  it('shows a member no admin navigation, and the API refuses admin routes', async () => {
    await signOut(page);
    await signIn(page, api.baseUrl, MEMBER);
    const links = await navLinks(page);
    expect(links).toContain('Containers');
    expect(links).not.toEqual(expect.arrayContaining(['Users']));
    expect(links).not.toContain('Audit');
    expect(links).not.toContain('Hosts');
    const status = await page.evaluate(async () => {
      const token = localStorage.getItem('archnest.accessToken') ?? '';
      const reply = await fetch('/api/users', { headers: { authorization: `Bearer ${token}` } });
      return reply.status;
    });
    expect(status).toBe(403);
    await signOut(page);
  });

  it('shows a readable error for a wrong password', async () => {
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/wrong username or password/i).waitFor();
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    const unexpected = pageErrors.filter((e) => !/status of 40[13]/.test(e));
    expect(unexpected).toEqual([]);
  });
});
