/// <reference lib="dom" />
/**
 * Shared by the console e2e specs (console-*.e2e-spec.ts): the API process with every source
 * enabled, a tiny REST client, the real agent script (or a report posted as it would), sign-in,
 * axe-core and screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentReport } from '@archnest/contracts';
import type { Locator, Page } from 'playwright-core';
import { runAgentScript } from '../support/agent-script';
import { startApiProcess, type ApiProcess } from '../support/api-process';

const ROOT = resolve(__dirname, '../../../..');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

export const ADMIN = { username: 'admin', password: 'console-admin-password' };
export const MEMBER = { username: 'mia', password: 'console-member-password' };
export const AGENT_TOKEN = 'console-e2e-agent-token-0123456789';

/** The built server with agent ingest on; hosts stay fresh for the whole run. `env` adds to it. */
export function startConsoleApi(env: NodeJS.ProcessEnv = {}): Promise<ApiProcess> {
  return startApiProcess({
    ARCHNEST_ADMIN_PASSWORD: ADMIN.password,
    ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
    STALE_AFTER_MS: '900000',
    ...env,
  });
}

/** A minimal JSON client for setting up what the browser then looks at. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token = '',
  ) {}

  static async signIn(baseUrl: string, user: typeof ADMIN): Promise<Api> {
    const reply = await new Api(baseUrl).send<{ accessToken: string }>(
      'POST',
      '/api/auth/login',
      user,
    );
    return new Api(baseUrl, reply.body.accessToken);
  }

  async send<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const reply = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    return { status: reply.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Sends and insists on a 2xx answer. */
  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.send<T>(method, path, body);
    if (reply.status >= 300) {
      throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
    return reply.body;
  }
}

/** Runs the real agent script once against the private engine; rejects unless it exits 0. */
export async function runAgent(baseUrl: string, hostId: string): Promise<string> {
  const run = await runAgentScript({
    ARCHNEST_URL: baseUrl,
    ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
    ARCHNEST_HOST_ID: hostId,
  });
  if (run.code !== 0) {
    throw new Error(`agent failed (exit ${run.code}): ${run.stderr}`);
  }
  return run.stdout;
}

/** Posts a report as an agent does (the agent token, not a user's); rejects unless 2xx. */
export async function postAgentReport(baseUrl: string, report: AgentReport): Promise<void> {
  await new Api(baseUrl, AGENT_TOKEN).ok('POST', '/api/agents/docker/report', report);
}

export async function signIn(page: Page, baseUrl: string, user: typeof ADMIN): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/containers**');
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
}

/**
 * Clicks what opens a MatDialog and waits until the dialog holds the focus. MatDialog moves the
 * focus to its first field only once its open animation is over (delayFocusTrap); a field filled
 * before that loses the rest of its text to the first field when the focus jumps, so the form is
 * refused and never sent. On a loaded machine that happens; this is what failed on CI.
 */
export async function openDialog(page: Page, trigger: Locator): Promise<Locator> {
  await trigger.click();
  await page.waitForFunction(() => !!document.activeElement?.closest('mat-dialog-container'));
  return page.getByRole('dialog');
}

/** Waits for a snackbar with this text and returns all it says. */
export async function snackBar(page: Page, text: string | RegExp): Promise<string> {
  const bar = page.locator('mat-snack-bar-container', { hasText: text });
  await bar.waitFor();
  return bar.innerText();
}

/**
 * Waits until every snack bar has left. One still fading out when the theme changes is measured
 * by axe at part opacity, so a check of colours right after an action waits for this first.
 */
export async function snackBarsGone(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('mat-snack-bar-container'));
}

/** Picks light or dark with the toolbar toggle (the choice is saved, as a user's would be). */
export async function useTheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  const current = () => page.evaluate(() => document.documentElement.style.colorScheme);
  // Until a user picks one, the console follows the system and sets nothing: toggle until set.
  for (let attempt = 0; attempt < 2 && (await current()) !== scheme; attempt++) {
    await page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
  }
  expect(await current()).toBe(scheme);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | null = null;

/**
 * Runs axe-core on the page as it is; returns the serious and critical violations. The console's
 * CSP refuses inline scripts (page.addScriptTag injects one), so axe.min.js is evaluated through
 * the DevTools protocol instead, which CSP does not govern.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(AXE, 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(axeSource);
  }
  // Let Material's enter animations finish so colours are measured as shown.
  await page.waitForTimeout(400);
  const violations = await page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** docs/screenshots when ARCHNEST_SCREENSHOT_DIR says so, else .test-output/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = resolve(ROOT, process.env.ARCHNEST_SCREENSHOT_DIR ?? '.test-output/screenshots');
  mkdirSync(dir, { recursive: true });
  // Park the pointer on the empty navigation area so no tooltip or hover state is captured.
  await page.mouse.move(100, 880);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/**
 * Runs the real agent script once with a host's own token (as install.sh would configure it);
 * rejects unless it exits 0.
 */
export async function runAgentWithToken(
  baseUrl: string,
  hostId: string,
  token: string,
): Promise<string> {
  const run = await runAgentScript({
    ARCHNEST_URL: baseUrl,
    ARCHNEST_AGENT_TOKEN: token,
    ARCHNEST_HOST_ID: hostId,
  });
  if (run.code !== 0) {
    throw new Error(`agent failed (exit ${run.code}): ${run.stderr}`);
  }
  return run.stdout;
}
