#!/usr/bin/env node
// End-to-end test of the web apps in a real Chromium (Debian's, driven by playwright-core)
// against a running local host that serves the API and frontend/dist on one origin.
//
//   BASE_URL=http://127.0.0.1:3000 CHROMIUM=/usr/bin/chromium node e2e/run.mjs
//
// The story: an ops user registers, creates orders in the console and a route with them
// (optimised); a driver on a phone-sized screen signs in, starts the route, picks up, goes in
// transit (offline: the change is queued and syncs exactly once when back online), captures a
// POD (a photo file and a drawn signature, uploaded to S3 through presigned URLs) and
// delivers; fails the second order; the customer's tracking page shows DELIVERED with the POD;
// ops acknowledge and resolve the exception. Screenshots of every main page go to
// e2e-artifacts/ (git-ignored).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// Evaluated through the DevTools protocol, not injected as an inline <script>: the pages run
// under the web apps' Content-Security-Policy (script-src 'self'), as in CloudFront.
const AXE_SOURCE = readFileSync(AXE, 'utf8');

const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? new URL('../e2e-artifacts/', import.meta.url).pathname;
const HEADED = process.env.E2E_HEADED === '1';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);

const started = Date.now();
const results = [];
const consoleErrors = [];
let shotIndex = 0;

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

const log = (message) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

/** Pages whose state is saved when a step fails. */
const openPages = new Set();

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const value = await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    log(`ok   ${name} (${Date.now() - t0} ms)`);
    return value;
  } catch (error) {
    results.push({ name, ok: false, ms: Date.now() - t0, error });
    log(`FAIL ${name}: ${error?.message ?? error}`);
    for (const [index, page] of [...openPages].entries()) {
      await page.screenshot({ path: join(ARTIFACTS, `failure-${index}.png`), fullPage: true }).catch(() => undefined);
      log(`     page ${index}: ${page.url()}`);
    }
    throw error;
  }
}

/** Accessibility findings (axe-core, WCAG 2 A/AA) of every page a screenshot is taken of. */
const a11yFindings = [];

async function checkA11y(page, name) {
  // A toast that is still fading in has blended colours: let it finish (sonner: 400 ms).
  if (await page.locator('[data-sonner-toast]').count()) await page.waitForTimeout(500);
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${(n.any[0]?.message ?? '').slice(0, 160)}`) }));
  });
  for (const violation of violations) a11yFindings.push({ page: name, ...violation });
}

async function shot(page, name) {
  shotIndex += 1;
  const file = join(ARTIFACTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await checkA11y(page, name);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `read` until `ok(value)` (or the timeout), returning the last value. */
async function eventually(read, ok, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A small solid-colour PNG (the "photo"), built without any image library. */
function pngBytes(width = 64, height = 48, rgb = [29, 78, 216]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function api(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text.slice(0, 300)}`);
  return json;
}

/** An ops access token for the test's own API calls (its own session: the browser keeps its token in memory). */
const opsToken = async (credentials) => (await api(null, 'POST', '/api/auth/login', credentials)).access_token;

/** Where the stand-ins keep sent email: moto's state (`/moto-api/data.json`). */
const MOTO_URL = (process.env.MOTO_URL ?? process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES ?? process.env.AWS_ENDPOINT_URL_S3 ?? '').replace(/\/+$/, '');

/** The path + fragment of the newest registration link emailed to `email` (SES, kept by moto). */
async function emailedConfirmLink(email) {
  expect(MOTO_URL, 'set MOTO_URL (or AWS_ENDPOINT_URL_SESV2) so the test can read the registration email');
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const data = await (await fetch(`${MOTO_URL}/moto-api/data.json`)).json();
    const links = [];
    // A sent message is an object with the link in one of its own strings and the address somewhere in it.
    const walk = (node) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const own = Object.values(node).filter((v) => typeof v === 'string').join('\n');
      if (own.includes('/register/confirm#token=') && JSON.stringify(node).includes(email)) {
        for (const match of own.matchAll(/\/register\/confirm#token=([A-Za-z0-9._~%-]+)/g)) links.push(`/register/confirm#token=${match[1]}`);
      }
      Object.values(node).forEach(walk);
    };
    walk(data);
    if (links.length) return links.at(-1);
    if (Date.now() > deadline) throw new Error(`no registration email to ${email} in ${MOTO_URL}/moto-api/data.json`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Ends the browser context's driver session from outside: its refresh cookie -> an access token -> logout. */
async function endDriverSession(context) {
  const cookie = (await context.cookies()).find((c) => c.name === 'cf_rt_driver');
  expect(cookie, 'the driver app should hold a cf_rt_driver cookie');
  const refreshed = await fetch(`${BASE_URL}/api/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: `cf_rt_driver=${cookie.value}` },
    body: JSON.stringify({ realm: 'driver' }),
  });
  expect(refreshed.ok, `refresh with the driver's cookie -> ${refreshed.status}`);
  const { access_token } = await refreshed.json();
  const out = await fetch(`${BASE_URL}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${access_token}` } });
  expect(out.status === 204, `logout -> ${out.status}`);
}

/** Map tiles come from the internet (VITE_MAP_TILE_URL); the tests run offline, so they are refused at once. */
const TILE_HOSTS = /tile\.openstreetmap\.org|\{s\}\.tile|tiles?\./;

async function blockTiles(context) {
  await context.route((url) => TILE_HOSTS.test(url.hostname), (route) => route.abort('internetdisconnected'));
}

function watch(page, realm) {
  openPages.add(page);
  // Which request a "Failed to load resource" console line was about (the message has no URL).
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const url = new URL(response.url());
    // Webhook settings answer 404 until they are saved once; the page shows an empty form.
    if (response.status() === 404 && url.pathname === '/api/ops/settings/webhook') return;
    consoleErrors.push(`[${realm}] HTTP ${response.status()} ${response.request().method()} ${url.pathname}`);
  });
  page.on('close', () => openPages.delete(page));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location()?.url ?? '';
    // Expected: refused tiles, and requests made while the test takes the phone offline.
    if (TILE_HOSTS.test(url) || /ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|Failed to load resource: the server responded/.test(message.text())) return;
    consoleErrors.push(`[${realm}] ${message.text().replace(/token=[^&\s']+/g, 'token=…').slice(0, 240)}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`[${realm}] page error: ${error.message}`));
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: !HEADED,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let failed = false;
try {
  const suffix = Date.now().toString(36);
  const slug = `e2e-${suffix}`;
  const admin = { email: `ops@${slug}.example`, password: 'E2ePassword123!' };
  const driverLogin = { email: `driver@${slug}.example`, password: 'DriverPass123!' };
  const refs = [`E2E-${suffix}-A`.toUpperCase(), `E2E-${suffix}-B`.toUpperCase()];

  const opsContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1366, height: 900 } });
  opsContext.setDefaultTimeout(TIMEOUT);
  await blockTiles(opsContext);
  const ops = await opsContext.newPage();
  watch(ops, 'ops');

  await step('ops user registers a company account', async () => {
    await ops.goto('/register');
    await ops.getByLabel('Company name').fill(`E2E Logistics ${suffix}`);
    await ops.getByLabel('Workspace ID').fill(slug);
    await ops.getByLabel('Your full name').fill('Olivia Ops');
    await ops.getByLabel('Work email').fill(admin.email);
    await ops.getByLabel('Password').fill(admin.password);
    await ops.getByRole('button', { name: 'Create account' }).click();
    // Two steps: nothing exists until the emailed link is opened.
    await ops.getByTestId('register-check-email').waitFor();
    await shot(ops, 'ops-register-check-email');
    const link = await emailedConfirmLink(admin.email);
    await ops.goto(link);
    await ops.waitForURL('**/ops/dashboard');
    await ops.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(!ops.url().includes('token='), 'the confirmation token should leave the address bar');
    await shot(ops, 'ops-dashboard-empty');
  });

  await step('the session survives a reload through the httpOnly refresh cookie; nothing of it is in localStorage', async () => {
    const cookie = (await opsContext.cookies()).find((c) => c.name === 'cf_rt_ops');
    expect(cookie, 'the ops console should hold a cf_rt_ops cookie');
    expect(cookie.httpOnly && cookie.sameSite === 'Strict' && cookie.path === '/api/auth/refresh', `cookie attributes: ${JSON.stringify({ ...cookie, value: '…' })}`);
    const stored = await ops.evaluate(() => Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`));
    expect(!stored.some((entry) => /session|token|eyJ/i.test(entry)), `localStorage holds session data: ${stored.join(', ').slice(0, 300)}`);
    expect(await ops.evaluate(() => document.cookie.includes('cf_rt_')) === false, 'the refresh cookie must not be readable from JavaScript');
    await ops.reload();
    await ops.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  });

  let token = await opsToken(admin);
  const fleet = await step('a vehicle and a driver with a login (API)', async () => {
    const vehicle = await api(token, 'POST', '/api/ops/vehicles', { plate_number: `E2E ${suffix.slice(-4).toUpperCase()}`, type: 'VAN', capacity_kg: 800 });
    const driver = await api(token, 'POST', '/api/ops/drivers', { name: 'Dev Driver', phone: '+447700900111', email: driverLogin.email, password: driverLogin.password });
    await ops.goto('/ops/admin/drivers');
    await ops.getByText('Dev Driver').first().waitFor();
    await shot(ops, 'ops-admin-drivers');
    await ops.goto('/ops/admin/vehicles');
    await shot(ops, 'ops-admin-vehicles');
    return { vehicle, driver };
  });

  const orderIds = [];
  for (const [index, reference] of refs.entries()) {
    await step(`ops creates order ${reference} in the console`, async () => {
      await ops.goto('/ops/orders/new');
      await ops.getByLabel('Reference code').fill(reference);
      await ops.getByLabel('Customer name').fill(index === 0 ? 'Ananya Sharma' : 'Ben Okafor');
      await ops.getByLabel('Customer phone').fill('+447700900123');
      const addresses = ops.getByLabel('Address');
      const cities = ops.getByLabel('City');
      const lats = ops.getByLabel('Latitude');
      const lngs = ops.getByLabel('Longitude');
      await addresses.nth(0).fill('Warehouse 1, Dock Road');
      await cities.nth(0).fill('London');
      await lats.nth(0).fill('51.5072');
      await lngs.nth(0).fill('-0.1276');
      await addresses.nth(1).fill(index === 0 ? '10 Baker Street' : '5 Camden High St');
      await cities.nth(1).fill('London');
      if (index === 0) {
        await lats.nth(1).fill('51.5237');
        await lngs.nth(1).fill('-0.1585');
      } else {
        // The drop's pin placed on the map instead of typed.
        await ops.getByLabel('Place a pin for').selectOption({ label: 'Stop 2 (Drop)' });
        const map = ops.locator('.leaflet-container');
        await map.locator('.cf-pin').first().waitFor();
        await ops.waitForTimeout(500); // let the fit-to-pin zoom animation finish
        const box = await map.boundingBox();
        await ops.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
        const lat = Number(await lats.nth(1).inputValue());
        expect(Math.abs(lat - 51.5) < 0.5, `the map click should set the drop's latitude near London, got ${lat}`);
        await shot(ops, 'ops-new-order-map-pin');
      }
      await ops.getByRole('button', { name: 'Create order' }).click();
      await ops.waitForURL(/\/ops\/orders\/[0-9A-Z]{26}$/);
      orderIds.push(ops.url().split('/').pop());
      if (index === 0) await shot(ops, 'ops-order-created');
    });
  }

  const routeId = await step('ops creates an optimised route with both orders, then reorders two stops', async () => {
    await ops.goto('/ops/routes');
    await ops.getByRole('heading', { name: 'Routes', level: 1 }).waitFor();
    await ops.getByRole('button', { name: 'New route' }).click();
    const dialog = ops.getByRole('dialog');
    await dialog.getByLabel('Driver').selectOption(fleet.driver.id);
    await dialog.getByLabel('Vehicle').selectOption(fleet.vehicle.id);
    for (const reference of refs) await dialog.getByLabel(new RegExp(reference)).check();
    expect(await dialog.getByLabel(/Optimise the stop order/).isChecked(), 'optimise should be on by default');
    await dialog.getByRole('button', { name: 'Create route' }).click();
    await ops.waitForURL(/\/ops\/routes\/[0-9A-Z]{26}$/);
    await ops.getByText('Optimised', { exact: true }).waitFor();
    expect((await ops.getByTestId('route-stop').count()) === 4, 'the route should list 4 stops');
    await ops.locator('.leaflet-container').waitFor();
    await shot(ops, 'ops-route-detail');
    // Reorder with the keyboard-accessible arrows: swap two neighbours that may swap
    // (not an order's pickup and its own drop); the list changes at once and is saved.
    const rows = await ops.getByTestId('route-stop').evaluateAll((items) =>
      items.map((item) => ({ type: item.querySelector('[class*="badge"]')?.textContent ?? '', ref: item.querySelector('a')?.textContent ?? '' })),
    );
    const i = rows.findIndex((row, k) => k < rows.length - 1 && !(row.type === 'Pickup' && rows[k + 1].type === 'Drop' && rows[k + 1].ref === row.ref));
    expect(i >= 0, `no swappable stops in ${JSON.stringify(rows)}`);
    await ops.getByRole('button', { name: `Move stop ${i + 1} down` }).click();
    await ops.getByText('Stop order saved.').waitFor();
    const after = await ops.getByTestId('route-stop').evaluateAll((items) => items.map((item) => item.querySelector('a')?.textContent ?? ''));
    expect(after[i] === rows[i + 1].ref && after[i + 1] === rows[i].ref, `stops ${i + 1} and ${i + 2} should have swapped: ${after}`);
    const id = ops.url().split('/').pop();
    await ops.goto('/ops/routes');
    await ops.getByRole('link', { name: /Dev Driver/ }).waitFor();
    await shot(ops, 'ops-routes');
    return id;
  });

  // ---------------------------------------------------------------- driver (phone)
  const driverContext = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    geolocation: { latitude: 51.5072, longitude: -0.1276 },
    permissions: ['geolocation'],
  });
  driverContext.setDefaultTimeout(TIMEOUT);
  // No request interception here: in Chromium it makes pages bypass the service worker,
  // which the offline case relies on. (The driver pages show no map unless asked.)
  const driver = await driverContext.newPage();
  watch(driver, 'driver');
  const syncStatus = driver.getByTestId('sync-status');
  const orderStatus = driver.getByTestId('order-status');

  await step('driver signs in on a phone, sees today’s route, and the PWA installs its service worker', async () => {
    await driver.goto('/driver/login');
    await driver.getByLabel('Email').fill(driverLogin.email);
    await driver.getByLabel('Password').fill(driverLogin.password);
    await driver.getByRole('button', { name: 'Sign in' }).click();
    await driver.waitForURL('**/driver/today');
    await driver.getByText('Route · 2 orders').waitFor();
    await shot(driver, 'driver-today');
    // The PWA's service worker installs (precaching the app shell) once the driver is signed in.
    await driver.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', null, {
      timeout: 30_000,
    });
  });

  await step('driver starts the route', async () => {
    await driver.getByText('Route · 2 orders').click();
    await driver.waitForURL(`**/driver/routes/${routeId}`);
    await driver.getByRole('button', { name: 'Start route' }).click();
    await driver.getByTestId('route-status').filter({ hasText: 'In progress' }).waitFor();
    await syncStatus.and(driver.locator('[data-state="synced"]')).waitFor();
    await driver.getByText(/^Next: Pickup$/).waitFor();
    await shot(driver, 'driver-route-started');
  });

  await step('ops follow the driver live on the route page (WebSocket)', async () => {
    await ops.goto(`/ops/routes/${routeId}`);
    await ops.getByText(/Live: waiting|position updated/).waitFor();
    await driverContext.setGeolocation({ latitude: 51.515, longitude: -0.141 });
    await ops.getByText(/Driver’s position updated/).waitFor({ timeout: 20_000 });
    await ops.locator('.cf-live').waitFor();
    await shot(ops, 'ops-route-live-driver');
  });

  const openOrder = async (reference) => {
    await driver.goto(`/driver/routes/${routeId}`);
    await driver.getByRole('link', { name: new RegExp(`Pickup · ${reference}`) }).click();
    await driver.getByRole('heading', { name: reference }).waitFor();
  };

  await step('driver picks up order A', async () => {
    await openOrder(refs[0]);
    await shot(driver, 'driver-order-assigned');
    await driver.getByRole('button', { name: 'Picked up' }).click();
    await orderStatus.filter({ hasText: 'Picked up' }).waitFor();
    await syncStatus.and(driver.locator('[data-state="synced"]')).waitFor();
  });

  await step('offline: driver goes in transit without a connection (and reloads the app offline), it syncs exactly once on reconnect', async () => {
    await driverContext.setOffline(true);
    await syncStatus.and(driver.locator('[data-state="offline"]')).waitFor();
    await driver.getByRole('button', { name: 'On the way' }).click();
    await orderStatus.filter({ hasText: 'In transit' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    await driver.getByTestId('order-pending').waitFor();
    await shot(driver, 'driver-offline-pending');
    // The PWA opens without a connection: app shell from the service worker, the day's data
    // from the offline copy, the queued move from IndexedDB.
    expect(await driver.evaluate(() => Boolean(navigator.serviceWorker?.controller)), 'the page should be controlled by the service worker');
    await driver.reload();
    await driver.getByRole('heading', { name: refs[0] }).waitFor();
    await orderStatus.filter({ hasText: 'In transit' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-state="offline"][data-pending="1"]').waitFor();
    await shot(driver, 'driver-offline-reloaded');
    const before = await api(token, 'GET', `/api/ops/orders/${orderIds[0]}`);
    expect(before.status === 'PICKED_UP', `the server should still say PICKED_UP while offline, got ${before.status}`);
    await driverContext.setOffline(false);
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    const after = await api(token, 'GET', `/api/ops/orders/${orderIds[0]}`);
    const moves = after.history.filter((entry) => entry.to_status === 'IN_TRANSIT');
    expect(after.status === 'IN_TRANSIT', `order should be IN_TRANSIT after the sync, got ${after.status}`);
    expect(moves.length === 1, `exactly one IN_TRANSIT history entry expected, got ${moves.length}`);
  });

  await step('driver captures the POD (photo file + drawn signature, presigned S3 upload) and delivers', async () => {
    await driver.getByRole('button', { name: /Delivered: capture proof/ }).click();
    await driver.getByLabel('Received by').fill('Ananya Sharma');
    await driver.getByTestId('pod-photo').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: pngBytes() });
    await driver.getByAltText('Photo to upload').waitFor();
    await driver.getByTestId('signature-pad').scrollIntoViewIfNeeded();
    const pad = await driver.getByTestId('signature-pad').boundingBox();
    await driver.mouse.move(pad.x + 20, pad.y + pad.height * 0.7);
    await driver.mouse.down();
    for (let i = 1; i <= 12; i++) await driver.mouse.move(pad.x + 20 + i * 22, pad.y + pad.height * (0.7 - Math.sin(i / 2) * 0.35));
    await driver.mouse.up();
    expect(await driver.getByRole('button', { name: 'Clear signature' }).isEnabled(), 'the signature should have been drawn');
    await shot(driver, 'driver-pod-form');
    await driver.getByRole('button', { name: 'Confirm delivery' }).click();
    await orderStatus.filter({ hasText: 'Delivered' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    const order = await api(token, 'GET', `/api/ops/orders/${orderIds[0]}`);
    expect(order.status === 'DELIVERED', `order should be DELIVERED, got ${order.status}`);
    const pod = await api(token, 'GET', `/api/ops/orders/${orderIds[0]}/pod`);
    expect(pod.receiver_name === 'Ananya Sharma', 'POD receiver');
    for (const url of [pod.photo_url, pod.signature_url]) {
      expect(url, 'POD should have a photo and a signature');
      const file = await fetch(url);
      expect(file.ok && (await file.arrayBuffer()).byteLength > 100, `POD file not in S3: ${url}`);
    }
    await shot(driver, 'driver-order-delivered');
  });

  await step('the session ends while an action waits offline: the driver is asked to sign in, the action is kept, another driver on the phone neither sends nor drops it, and it replays once its driver signs in again', async () => {
    const relief = { email: `relief@${slug}.example`, password: 'ReliefPass123!' };
    await api(token, 'POST', '/api/ops/drivers', { name: 'Relief Driver', phone: '+447700900444', email: relief.email, password: relief.password });
    await openOrder(refs[1]);
    await driverContext.setOffline(true);
    await syncStatus.and(driver.locator('[data-state="offline"]')).waitFor();
    await driver.getByRole('button', { name: 'Picked up' }).click();
    await orderStatus.filter({ hasText: 'Picked up' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    // Meanwhile the session is ended elsewhere, and the phone restarts the app without a connection
    // (the access token was only in memory): it opens from its offline copy, the move still queued.
    await endDriverSession(driverContext);
    await driver.reload();
    await driver.getByRole('heading', { name: refs[1] }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-state="offline"][data-pending="1"]').waitFor();
    // Back online: the session is found to be over -> sign in again; the move is kept on the phone.
    await driverContext.setOffline(false);
    await driver.waitForURL('**/driver/login**');
    await driver.locator('[data-testid="queued-on-phone"][data-count="1"]').waitFor();
    await shot(driver, 'driver-sign-in-again-queued');
    expect((await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`)).status === 'ASSIGNED', 'the move must not reach the server without its driver');

    // Another driver signs in on the same phone: sees none of it, sends none of it.
    await driver.goto('/driver/login');
    await driver.getByLabel('Email').fill(relief.email);
    await driver.getByLabel('Password').fill(relief.password);
    await driver.getByRole('button', { name: 'Sign in' }).click();
    await driver.waitForURL('**/driver/today');
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    await driver.waitForTimeout(1500);
    expect((await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`)).status === 'ASSIGNED', 'another driver’s session must not replay the move');
    await driver.getByRole('button', { name: 'Sign out' }).click();
    await driver.waitForURL('**/driver/login');
    await driver.locator('[data-testid="queued-on-phone"][data-count="1"]').waitFor();

    // The first driver signs in again: the move replays, exactly once.
    await driver.getByLabel('Email').fill(driverLogin.email);
    await driver.getByLabel('Password').fill(driverLogin.password);
    await driver.getByRole('button', { name: 'Sign in' }).click();
    await driver.waitForURL('**/driver/today');
    const order = await eventually(() => api(token, 'GET', `/api/ops/orders/${orderIds[1]}`), (o) => o.status !== 'ASSIGNED');
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    expect(order.status === 'PICKED_UP', `order B should be PICKED_UP after the replay, got ${order.status}`);
    expect(order.history.filter((entry) => entry.to_status === 'PICKED_UP').length === 1, 'exactly one PICKED_UP history entry expected');
  });

  await step('driver fails order B with a reason (opens a FAILED_ATTEMPT exception); meanwhile its tracking page shows the driver live', async () => {
    // Picked up already (replayed after signing in again, above).
    await openOrder(refs[1]);
    await orderStatus.filter({ hasText: 'Picked up' }).waitFor();
    await driver.getByRole('button', { name: 'On the way' }).click();
    await orderStatus.filter({ hasText: 'In transit' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    // While it is on its way, the customer sees the driver on a map (Leaflet loaded only now).
    const inTransit = await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`);
    const customerContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 }, isMobile: true });
    await blockTiles(customerContext);
    const customer = await customerContext.newPage();
    watch(customer, 'tracking');
    await customer.goto(`/track/${inTransit.tracking_token}`);
    await customer.locator('[data-testid="tracking-status"][data-status="IN_TRANSIT"]').waitFor({ timeout: TIMEOUT });
    await driverContext.setGeolocation({ latitude: 51.53, longitude: -0.145 });
    await customer.getByRole('heading', { name: 'Live location' }).waitFor({ timeout: 20_000 });
    await customer.locator('.leaflet-container .cf-live').waitFor({ timeout: TIMEOUT });
    await shot(customer, 'tracking-in-transit-live');
    await customerContext.close();
    await driver.getByRole('button', { name: 'Could not deliver' }).click();
    await driver.getByLabel('What happened?').fill('Nobody home, no safe place');
    await driver.getByRole('button', { name: 'Mark as failed' }).click();
    await orderStatus.filter({ hasText: 'Failed' }).waitFor();
    await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
    await driver.goto('/driver/scan');
    await driver.getByLabel('Reference or tracking code').fill(refs[0]);
    await driver.getByRole('button', { name: 'Find order' }).click();
    await driver.getByRole('heading', { name: refs[0] }).waitFor();
    await driver.goto('/driver/scan');
    await shot(driver, 'driver-scan');
  });

  // ---------------------------------------------------------------- customer
  await step('the customer tracking page shows DELIVERED with the POD summary', async () => {
    const order = await api(token, 'GET', `/api/ops/orders/${orderIds[0]}`);
    const customerContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 }, isMobile: true });
    customerContext.setDefaultTimeout(TIMEOUT);
    await blockTiles(customerContext);
    const customer = await customerContext.newPage();
    watch(customer, 'tracking');
    const scripts = [];
    customer.on('request', (request) => request.resourceType() === 'script' && scripts.push(request.url()));
    await customer.goto(`/track/${order.tracking_token}`);
    await customer.locator('[data-testid="tracking-status"][data-status="DELIVERED"]').waitFor();
    await customer.getByTestId('tracking-pod').getByText('Received by Ananya Sharma').waitFor();
    expect(!scripts.some((url) => /react|leaflet/.test(url)), `tracking page loaded app code: ${scripts.join(', ')}`);
    await shot(customer, 'tracking-delivered');
    await customerContext.close();
  });

  // ---------------------------------------------------------------- ops again
  await step('ops see the POD on the order page', async () => {
    token = await opsToken(admin);
    await ops.goto(`/ops/orders/${orderIds[0]}`);
    await ops.getByTestId('pod-receiver').filter({ hasText: 'Ananya Sharma' }).waitFor();
    await ops.getByAltText(/Delivery photo of/).waitFor();
    await shot(ops, 'ops-order-pod');
  });

  await step('ops rotate and revoke a tracking link; the old link stops working', async () => {
    const before = (await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`)).tracking_token;
    await ops.goto(`/ops/orders/${orderIds[1]}`);
    await ops.getByTestId('tracking-link').waitFor();
    await ops.getByRole('button', { name: 'New link' }).click();
    await ops.getByRole('dialog').getByRole('button', { name: 'New link' }).click();
    await ops.getByText('New tracking link created.').waitFor();
    const after = (await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`)).tracking_token;
    expect(after && after !== before, 'rotating should give a new token');
    await ops.getByTestId('tracking-link').filter({ hasText: after }).waitFor();
    const customer = await (await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 } })).newPage();
    await customer.goto(`/track/${before}`);
    await customer.getByText('This tracking link does not work').waitFor();
    await shot(customer, 'tracking-link-not-valid');
    await customer.context().close();
    await ops.getByRole('button', { name: 'Revoke' }).click();
    await ops.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await ops.getByText(/No tracking link: it was revoked/).waitFor();
    const revoked = await api(token, 'GET', `/api/ops/orders/${orderIds[1]}`);
    expect(!revoked.tracking_token, 'revoking should clear the token');
  });

  await step('ops acknowledge and resolve the exception', async () => {
    await ops.goto('/ops/exceptions');
    await ops.getByRole('heading', { name: 'Exceptions', level: 1 }).waitFor();
    await shot(ops, 'ops-exceptions');
    await ops.getByRole('button', { name: /^Acknowledge/ }).first().click();
    await ops.getByRole('dialog').getByLabel('Note').fill('Calling the customer');
    await ops.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await ops.getByRole('dialog').waitFor({ state: 'hidden' });
    await ops.getByRole('button', { name: /^Resolve/ }).first().click();
    await ops.getByRole('dialog').getByLabel('Resolution').fill('Redelivery booked for tomorrow');
    await ops.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await ops.getByRole('dialog').waitFor({ state: 'hidden' });
    const page = await api(token, 'GET', `/api/ops/exceptions?order_id=${orderIds[1]}`);
    const exception = page.items.find((item) => item.type === 'FAILED_ATTEMPT');
    expect(exception?.status === 'RESOLVED', `exception should be RESOLVED, got ${exception?.status}`);
  });

  await step('ops move an assigned order to another route (reassign)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const van = await api(token, 'POST', '/api/ops/vehicles', { plate_number: `E2F ${suffix.slice(-4).toUpperCase()}`, type: 'CAR', capacity_kg: 300 });
    const second = await api(token, 'POST', '/api/ops/drivers', { name: 'Second Driver', phone: '+447700900222' });
    const order = await api(token, 'POST', '/api/ops/orders', {
      reference_code: `${refs[0]}-C`,
      customer_name: 'Chloe Reed',
      customer_phone: '+447700900333',
      stops: [
        { sequence_index: 1, type: 'PICKUP', address_line: 'Warehouse 1', city: 'London', lat: 51.5072, lng: -0.1276 },
        { sequence_index: 2, type: 'DROP', address_line: '1 Oxford St', city: 'London', lat: 51.5154, lng: -0.1419 },
      ],
    });
    const from = await api(token, 'POST', '/api/ops/routes', { route_date: today, driver_id: second.id, vehicle_id: van.id, order_ids: [order.id], optimize: true });
    const to = await api(token, 'POST', '/api/ops/routes', { route_date: tomorrow, driver_id: second.id, vehicle_id: van.id, order_ids: [], optimize: false });
    await ops.goto(`/ops/orders/${order.id}`);
    await ops.getByRole('button', { name: 'Move to route' }).click();
    const dialog = ops.getByRole('dialog');
    await dialog.getByLabel('Route').selectOption({ index: 1 });
    await dialog.getByLabel('Note').fill('Second driver takes it tomorrow');
    await dialog.getByRole('button', { name: 'Move order' }).click();
    await ops.getByText(/moved to the other route/).waitFor();
    const moved = await api(token, 'GET', `/api/ops/orders/${order.id}`);
    expect(moved.route_id === to.id && moved.route_id !== from.id, `the order should be on the target route, got ${moved.route_id}`);
  });

  await step('ops import a CSV: the job runs in the background, the dialog follows it and shows the per-row report', async () => {
    await ops.goto('/ops/orders');
    await ops.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = ops.getByRole('dialog');
    const csv =
      'reference_code,customer_name,customer_phone,pickup_address,pickup_city,drop_address,drop_city\n' +
      `${refs[0]}-CSV1,Dana Fox,+447700900444,Warehouse 1,London,2 Oxford St,London\n` +
      `${refs[0]}-CSV2,Bad Phone,12345,Warehouse 1,London,3 Oxford St,London\n`;
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByText('1 of 2 rows created, 1 failed.').first().waitFor();
    await dialog.getByText('customer_phone').first().waitFor();
    await shot(ops, 'ops-import-report');
    const jobs = await api(token, 'GET', '/api/ops/imports');
    expect(jobs.items[0]?.status === 'PARTIAL', `the import job should be PARTIAL, got ${jobs.items[0]?.status}`);
    await dialog.getByRole('button', { name: 'Done' }).click();
  });

  await step('screenshots of the remaining ops pages', async () => {
    await ops.goto('/ops/dashboard');
    await ops.getByText("Today's orders by status").waitFor();
    await shot(ops, 'ops-dashboard');
    await ops.goto('/ops/orders');
    await ops.getByText(refs[0], { exact: true }).waitFor();
    await shot(ops, 'ops-orders');
    await ops.goto(`/ops/routes/${routeId}`);
    await ops.getByText('Completed', { exact: true }).first().waitFor();
    await shot(ops, 'ops-route-completed');
    await ops.goto('/ops/admin/webhooks');
    await ops.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await ops.getByLabel('Send webhooks').check();
    await ops.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/cargoflow-hook');
    await ops.getByRole('button', { name: 'Save changes' }).first().click();
    await ops.getByText('Your new signing secret.').waitFor();
    await shot(ops, 'ops-webhooks');
    await ops.goto('/ops/admin/events');
    await ops.getByText('order.status_changed').first().waitFor();
    await shot(ops, 'ops-events');
  });

  await step('the API reference renders: Swagger UI from /docs-assets/ over /api/schema/', async () => {
    const docs = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
    await docs.goto('/api/docs');
    await docs.locator('.swagger-ui .info .title').getByText('CargoFlow', { exact: false }).waitFor();
    await docs.locator('.opblock-summary-path', { hasText: '/api/ops/orders' }).first().waitFor();
    await docs.context().close();
  });
} catch {
  failed = true;
} finally {
  await browser.close();
}

const duration = ((Date.now() - started) / 1000).toFixed(1);
const passed = results.filter((r) => r.ok).length;
writeFileSync(join(ARTIFACTS, 'results.json'), JSON.stringify({ duration_s: Number(duration), accessibility: a11yFindings, results: results.map(({ error, ...r }) => ({ ...r, error: error ? String(error.message ?? error) : undefined })), console_errors: consoleErrors }, null, 2));
const serious = a11yFindings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
console.log(`accessibility (axe-core, WCAG 2.1 A/AA): ${a11yFindings.length} findings on ${shotIndex} pages, ${serious.length} serious or critical`);
for (const finding of a11yFindings.slice(0, 30)) console.log(`  [${finding.impact}] ${finding.page}: ${finding.id} (${finding.help}) ${finding.nodes.join(', ')}`);
if (consoleErrors.length) {
  console.log(`browser console errors (${consoleErrors.length}):`);
  for (const line of [...new Set(consoleErrors)].slice(0, 12)) console.log(`  ${line}`);
}
console.log(`e2e: ${passed} of ${results.length} steps passed${failed ? ' (stopped at the first failure)' : ''} in ${duration} s; screenshots in ${ARTIFACTS}`);
// Serious or critical accessibility findings fail the suite like a failed step.
if (serious.length) console.log(`e2e: failing on ${serious.length} serious or critical accessibility findings`);
process.exit(failed || serious.length ? 1 : 0);
