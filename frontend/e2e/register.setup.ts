// Setup project: an ops user registers a company through the console (two steps: the emailed
// link finishes it). Every spec file works in this company (support/tenant.ts).
import type { BrowserContext, Page } from '@playwright/test';

import { emailedConfirmLink } from './support/api';
import { blockTiles, shot, watch } from './support/browser';
import { BASE_URL, TIMEOUT } from './support/env';
import { newTenant, saveTenant } from './support/tenant';
import { expect, test } from './support/test';

test.describe.configure({ mode: 'serial' });

const tenant = newTenant();
let opsContext: BrowserContext;
let ops: Page;

test.beforeAll(async ({ browser }) => {
  opsContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1366, height: 900 } });
  opsContext.setDefaultTimeout(TIMEOUT);
  await blockTiles(opsContext);
  ops = await opsContext.newPage();
  watch(ops, 'ops');
});

test.afterAll(async () => {
  await opsContext?.close();
});

test('ops user registers a company account', async () => {
  await ops.goto('/register');
  await ops.getByLabel('Company name').fill(`E2E Logistics ${tenant.suffix}`);
  await ops.getByLabel('Workspace ID').fill(tenant.slug);
  await ops.getByLabel('Your full name').fill('Olivia Ops');
  await ops.getByLabel('Work email').fill(tenant.admin.email);
  await ops.getByLabel('Password').fill(tenant.admin.password);
  await ops.getByRole('button', { name: 'Create account' }).click();
  // Two steps: nothing exists until the emailed link is opened.
  await ops.getByTestId('register-check-email').waitFor();
  await shot(ops, 'ops-register-check-email');
  const link = await emailedConfirmLink(tenant.admin.email);
  await ops.goto(link);
  await ops.waitForURL('**/ops/dashboard');
  await ops.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  expect(ops.url(), 'the confirmation token should leave the address bar').not.toContain('token=');
  await shot(ops, 'ops-dashboard-empty');
  saveTenant(tenant);
});

test('the session survives a reload through the httpOnly refresh cookie; nothing of it is in localStorage', async () => {
  const cookie = (await opsContext.cookies()).find((c) => c.name === 'cf_rt_ops');
  expect(cookie, 'the ops console should hold a cf_rt_ops cookie').toBeTruthy();
  expect(
    cookie!.httpOnly && cookie!.sameSite === 'Strict' && cookie!.path === '/api/auth/refresh',
    `cookie attributes: ${JSON.stringify({ ...cookie, value: '…' })}`,
  ).toBe(true);
  const stored = await ops.evaluate(() => Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`));
  expect(
    stored.filter((entry) => /session|token|eyJ/i.test(entry)),
    `localStorage holds session data: ${stored.join(', ').slice(0, 300)}`,
  ).toEqual([]);
  expect(await ops.evaluate(() => document.cookie.includes('cf_rt_')), 'the refresh cookie must not be readable from JavaScript').toBe(false);
  await ops.reload();
  await ops.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
});
