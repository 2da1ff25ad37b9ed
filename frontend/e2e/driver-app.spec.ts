// The driver app on a phone-sized screen: today's route, starting it (ops follow the driver
// live), picking up, going in transit offline (the PWA reloads offline; the move syncs exactly
// once), capturing a POD (photo file + drawn signature, presigned S3 upload), a session that
// ends while a move waits offline, failing a delivery (the customer sees the driver live
// meanwhile) and the scan page. Its route is set up through the API (ops-console.spec.ts
// clicks that part).
import type { BrowserContext, Page } from '@playwright/test';

import type { OrderException, Page as ApiPage, PodView } from '../src/types/api';
import { accessToken, api, type Credentials, endDriverSession, getOrder } from './support/api';
import { blockTiles, shot, signInToConsole, watch } from './support/browser';
import { BASE_URL, TIMEOUT } from './support/env';
import { pngBytes } from './support/png';
import { createFleet, createOrder, createRoute } from './support/seed';
import { readTenant, type Tenant, uniqueNames } from './support/tenant';
import { expect, test } from './support/test';

test.describe.configure({ mode: 'serial' });

const names = uniqueNames('D');
const mailbox = (name: string) => `${name}-${names.suffix.toLowerCase()}@${tenant.slug}.example`;
const refs = [names.reference('A'), names.reference('B')];
let tenant: Tenant;
let driverLogin: Credentials;
let token: string;
let orderIds: string[];
let routeId: string;
let driverContext: BrowserContext;
let driver: Page;
let opsContext: BrowserContext;

test.beforeAll(async ({ browser }) => {
  tenant = readTenant();
  driverLogin = { email: mailbox('driver'), password: 'DriverPass123!' };
  token = await accessToken(tenant.admin);
  const fleet = await createFleet(token, { plate: names.plate('E2D'), driverName: 'Dara Driver', phone: '+447700900555', login: driverLogin });
  const orders = [
    await createOrder(token, { reference: refs[0]!, customer: 'Ananya Sharma', drop: { address_line: '10 Baker Street', lat: 51.5237, lng: -0.1585 } }),
    await createOrder(token, { reference: refs[1]!, customer: 'Ben Okafor', drop: { address_line: '5 Camden High St', lat: 51.5376, lng: -0.1426 } }),
  ];
  orderIds = orders.map((order) => order.id);
  routeId = (await createRoute(token, { ...fleet, orders })).id;

  driverContext = await browser.newContext({
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
  driver = await driverContext.newPage();
  watch(driver, 'driver');

  opsContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1366, height: 900 } });
  opsContext.setDefaultTimeout(TIMEOUT);
  await blockTiles(opsContext);
});

test.afterAll(async () => {
  await driverContext?.close();
  await opsContext?.close();
});

const syncStatus = () => driver.getByTestId('sync-status');
const orderStatus = () => driver.getByTestId('order-status');

const openOrder = async (reference: string) => {
  await driver.goto(`/driver/routes/${routeId}`);
  await driver.getByRole('link', { name: new RegExp(`Pickup · ${reference}`) }).click();
  await driver.getByRole('heading', { name: reference }).waitFor();
};

test('driver signs in on a phone, sees today’s route, and the PWA installs its service worker', async () => {
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

test('driver starts the route', async () => {
  await driver.getByText('Route · 2 orders').click();
  await driver.waitForURL(`**/driver/routes/${routeId}`);
  await driver.getByRole('button', { name: 'Start route' }).click();
  await driver.getByTestId('route-status').filter({ hasText: 'In progress' }).waitFor();
  await syncStatus().and(driver.locator('[data-state="synced"]')).waitFor();
  await driver.getByText(/^Next: Pickup$/).waitFor();
  await shot(driver, 'driver-route-started');
});

test('ops follow the driver live on the route page (WebSocket)', async () => {
  const ops = await opsContext.newPage();
  watch(ops, 'ops');
  await signInToConsole(ops, tenant.admin);
  await ops.goto(`/ops/routes/${routeId}`);
  await ops.getByText(/Live: waiting|position updated/).waitFor();
  await driverContext.setGeolocation({ latitude: 51.515, longitude: -0.141 });
  await ops.getByText(/Driver’s position updated/).waitFor({ timeout: 20_000 });
  await ops.locator('.cf-live').waitFor();
  await shot(ops, 'ops-route-live-driver');
  await ops.close();
});

test('driver picks up order A', async () => {
  await openOrder(refs[0]!);
  await shot(driver, 'driver-order-assigned');
  await driver.getByRole('button', { name: 'Picked up' }).click();
  await orderStatus().filter({ hasText: 'Picked up' }).waitFor();
  await syncStatus().and(driver.locator('[data-state="synced"]')).waitFor();
});

test('offline: driver goes in transit without a connection (and reloads the app offline), it syncs exactly once on reconnect', async () => {
  await driverContext.setOffline(true);
  await syncStatus().and(driver.locator('[data-state="offline"]')).waitFor();
  await driver.getByRole('button', { name: 'On the way' }).click();
  await orderStatus().filter({ hasText: 'In transit' }).waitFor();
  await driver.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
  await driver.getByTestId('order-pending').waitFor();
  await shot(driver, 'driver-offline-pending');
  // The PWA opens without a connection: app shell from the service worker, the day's data
  // from the offline copy, the queued move from IndexedDB.
  expect(await driver.evaluate(() => Boolean(navigator.serviceWorker?.controller)), 'the page should be controlled by the service worker').toBe(true);
  await driver.reload();
  await driver.getByRole('heading', { name: refs[0] }).waitFor();
  await orderStatus().filter({ hasText: 'In transit' }).waitFor();
  await driver.locator('[data-testid="sync-status"][data-state="offline"][data-pending="1"]').waitFor();
  await shot(driver, 'driver-offline-reloaded');
  const before = await getOrder(token, orderIds[0]!);
  expect(before.status, 'the server should still say PICKED_UP while offline').toBe('PICKED_UP');
  await driverContext.setOffline(false);
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  const after = await getOrder(token, orderIds[0]!);
  const moves = after.history.filter((entry) => entry.to_status === 'IN_TRANSIT');
  expect(after.status, 'order should be IN_TRANSIT after the sync').toBe('IN_TRANSIT');
  expect(moves.length, 'exactly one IN_TRANSIT history entry expected').toBe(1);
});

test('driver captures the POD (photo file + drawn signature, presigned S3 upload) and delivers', async () => {
  await driver.getByRole('button', { name: /Delivered: capture proof/ }).click();
  await driver.getByLabel('Received by').fill('Ananya Sharma');
  await driver.getByTestId('pod-photo').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: pngBytes() });
  await driver.getByAltText('Photo to upload').waitFor();
  await driver.getByTestId('signature-pad').scrollIntoViewIfNeeded();
  const pad = (await driver.getByTestId('signature-pad').boundingBox())!;
  await driver.mouse.move(pad.x + 20, pad.y + pad.height * 0.7);
  await driver.mouse.down();
  for (let i = 1; i <= 12; i++) await driver.mouse.move(pad.x + 20 + i * 22, pad.y + pad.height * (0.7 - Math.sin(i / 2) * 0.35));
  await driver.mouse.up();
  expect(await driver.getByRole('button', { name: 'Clear signature' }).isEnabled(), 'the signature should have been drawn').toBe(true);
  await shot(driver, 'driver-pod-form');
  await driver.getByRole('button', { name: 'Confirm delivery' }).click();
  await orderStatus().filter({ hasText: 'Delivered' }).waitFor();
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  const order = await getOrder(token, orderIds[0]!);
  expect(order.status, 'order should be DELIVERED').toBe('DELIVERED');
  const pod = await api<PodView>(token, 'GET', `/api/ops/orders/${orderIds[0]}/pod`);
  expect(pod.receiver_name, 'POD receiver').toBe('Ananya Sharma');
  for (const url of [pod.photo_url, pod.signature_url]) {
    expect(url, 'POD should have a photo and a signature').toBeTruthy();
    const file = await fetch(url!);
    expect(file.ok, `POD file not in S3: ${url}`).toBe(true);
    expect((await file.arrayBuffer()).byteLength, `POD file not in S3: ${url}`).toBeGreaterThan(100);
  }
  await shot(driver, 'driver-order-delivered');
});

test('the session ends while an action waits offline: the driver is asked to sign in, the action is kept, another driver on the phone neither sends nor drops it, and it replays once its driver signs in again', async () => {
  const relief = { email: mailbox('relief'), password: 'ReliefPass123!' };
  await api(token, 'POST', '/api/ops/drivers', { name: 'Relief Driver', phone: '+447700900444', email: relief.email, password: relief.password });
  await openOrder(refs[1]!);
  await driverContext.setOffline(true);
  await syncStatus().and(driver.locator('[data-state="offline"]')).waitFor();
  await driver.getByRole('button', { name: 'Picked up' }).click();
  await orderStatus().filter({ hasText: 'Picked up' }).waitFor();
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
  expect((await getOrder(token, orderIds[1]!)).status, 'the move must not reach the server without its driver').toBe('ASSIGNED');

  // Another driver signs in on the same phone: sees none of it, sends none of it.
  await driver.goto('/driver/login');
  await driver.getByLabel('Email').fill(relief.email);
  await driver.getByLabel('Password').fill(relief.password);
  await driver.getByRole('button', { name: 'Sign in' }).click();
  await driver.waitForURL('**/driver/today');
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  await driver.waitForTimeout(1500);
  expect((await getOrder(token, orderIds[1]!)).status, 'another driver’s session must not replay the move').toBe('ASSIGNED');
  await driver.getByRole('button', { name: 'Sign out' }).click();
  await driver.waitForURL('**/driver/login');
  await driver.locator('[data-testid="queued-on-phone"][data-count="1"]').waitFor();

  // The first driver signs in again: the move replays, exactly once.
  await driver.getByLabel('Email').fill(driverLogin.email);
  await driver.getByLabel('Password').fill(driverLogin.password);
  await driver.getByRole('button', { name: 'Sign in' }).click();
  await driver.waitForURL('**/driver/today');
  await expect
    .poll(async () => (await getOrder(token, orderIds[1]!)).status, { message: 'order B should leave ASSIGNED after the replay', timeout: TIMEOUT })
    .not.toBe('ASSIGNED');
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  const order = await getOrder(token, orderIds[1]!);
  expect(order.status, 'order B should be PICKED_UP after the replay').toBe('PICKED_UP');
  expect(order.history.filter((entry) => entry.to_status === 'PICKED_UP').length, 'exactly one PICKED_UP history entry expected').toBe(1);
});

test('driver fails order B with a reason (opens a FAILED_ATTEMPT exception); meanwhile its tracking page shows the driver live', async ({ browser }) => {
  // Picked up already (replayed after signing in again, above).
  await openOrder(refs[1]!);
  await orderStatus().filter({ hasText: 'Picked up' }).waitFor();
  await driver.getByRole('button', { name: 'On the way' }).click();
  await orderStatus().filter({ hasText: 'In transit' }).waitFor();
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  // While it is on its way, the customer sees the driver on a map (Leaflet loaded only now).
  const inTransit = await getOrder(token, orderIds[1]!);
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
  await orderStatus().filter({ hasText: 'Failed' }).waitFor();
  await driver.locator('[data-testid="sync-status"][data-state="synced"][data-pending="0"]').waitFor();
  // What ops then acknowledge and resolve (ops-console.spec.ts, on an order failed through the API).
  expect((await getOrder(token, orderIds[1]!)).status, 'order B should be FAILED').toBe('FAILED');
  const exceptions = await api<ApiPage<OrderException>>(token, 'GET', `/api/ops/exceptions?order_id=${orderIds[1]}`);
  expect(
    exceptions.items.filter((item) => item.type === 'FAILED_ATTEMPT' && item.status === 'OPEN').length,
    'failing should open one FAILED_ATTEMPT exception',
  ).toBe(1);
  await driver.goto('/driver/scan');
  await driver.getByLabel('Reference or tracking code').fill(refs[0]!);
  await driver.getByRole('button', { name: 'Find order' }).click();
  await driver.getByRole('heading', { name: refs[0] }).waitFor();
  await driver.goto('/driver/scan');
  await shot(driver, 'driver-scan');
});
