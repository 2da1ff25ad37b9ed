// What every page of the story gets: map tiles refused (the tests run offline), console errors
// collected, and screenshots that are also checked for accessibility (axe-core).
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { join } from 'node:path';

import { ARTIFACTS } from './env';
import { consoleErrors, expect, test } from './test';

/** Map tiles come from the internet (VITE_MAP_TILE_URL); the tests run offline, so they are refused at once. */
const TILE_HOSTS = /tile\.openstreetmap\.org|\{s\}\.tile|tiles?\./;

export async function blockTiles(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => TILE_HOSTS.test(url.hostname),
    (route) => route.abort('internetdisconnected'),
  );
}

/** Collects the page's console errors and failed requests (attached to the test they happen in). */
export function watch(page: Page, realm: string): void {
  // Which request a "Failed to load resource" console line was about (the message has no URL).
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const url = new URL(response.url());
    // Webhook settings answer 404 until they are saved once; the page shows an empty form.
    if (response.status() === 404 && url.pathname === '/api/ops/settings/webhook') return;
    consoleErrors.push(`[${realm}] HTTP ${response.status()} ${response.request().method()} ${url.pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location()?.url ?? '';
    // Expected: refused tiles, and requests made while the test takes the phone offline.
    if (TILE_HOSTS.test(url) || /ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|Failed to load resource: the server responded/.test(message.text())) return;
    consoleErrors.push(`[${realm}] ${message.text().replace(/token=[^&\s']+/g, 'token=…').slice(0, 240)}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`[${realm}] page error: ${error.message}`));
}

/** WCAG 2.0 and 2.1, levels A and AA. */
export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export type A11yFinding = { id: string; impact: string | null; help: string; nodes: string[] };
/** The body of each `accessibility` attachment (read by reporter.ts). */
export type A11yReport = { page: string; findings: A11yFinding[] };

/**
 * A full-page screenshot into e2e-artifacts/<name>.png, then axe-core over the same page. Every
 * finding is reported (reporter.ts); a serious or critical one fails the test (softly: the
 * story goes on, so one run shows them all).
 */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  // A toast that is still fading in has blended colours: let it finish (sonner: 400 ms).
  if (await page.locator('[data-sonner-toast]').count()) await page.waitForTimeout(500);
  const result = await new AxeBuilder({ page }).withTags(A11Y_TAGS).analyze();
  const findings: A11yFinding[] = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${(n.any[0]?.message ?? '').slice(0, 160)}`),
  }));
  const report: A11yReport = { page: name, findings };
  await test.info().attach('accessibility', { body: JSON.stringify(report), contentType: 'application/json' });
  const serious = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  expect.soft(serious, `serious or critical accessibility findings on ${name}`).toEqual([]);
}

/** Signs in to the ops console through its login page (each spec file has its own session). */
export async function signInToConsole(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Work email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/ops/dashboard');
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}
