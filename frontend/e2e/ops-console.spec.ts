// The ops console: fleet, orders typed and placed on the map, an optimised route reordered,
// what ops do once the driver has been (POD, tracking links, exceptions), reassigning, CSV
// import, webhooks and the event log. The driver's part is done through the driver API here
// (driver-app.spec.ts clicks it).
import type { BrowserContext, Page } from '@playwright/test';

import type { Driver, ImportJobPage, Order, OrderException, Page as ApiPage, Route, Vehicle } from '../src/types/api';
import { accessToken, api, type Credentials, getOrder } from './support/api';
import { blockTiles, shot, signInToConsole, watch } from './support/browser';
import { BASE_URL, TIMEOUT } from './support/env';
import { driverApi } from './support/seed';
import { readTenant, type Tenant, uniqueNames } from './support/tenant';
import { expect, test } from './support/test';

test.describe.configure({ mode: 'serial' });

const names = uniqueNames('O');
const refs = [names.reference('A'), names.reference('B')];
const orderIds: string[] = [];
let tenant: Tenant;
let driverLogin: Credentials;
let token: string;
let fleet: { vehicle: Vehicle; driver: Driver };
let routeId: string;
let opsContext: BrowserContext;
let ops: Page;

test.beforeAll(async ({ browser }) => {
  tenant = readTenant();
  driverLogin = { email: `driver-${names.suffix.toLowerCase()}@${tenant.slug}.example`, password: 'DriverPass123!' };
  token = await accessToken(tenant.admin);
  opsContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1366, height: 900 } });
  opsContext.setDefaultTimeout(TIMEOUT);
  await blockTiles(opsContext);
  ops = await opsContext.newPage();
  watch(ops, 'ops');
});

test.afterAll(async () => {
  await opsContext?.close();
});

test('ops sign in to the console', async () => {
  await signInToConsole(ops, tenant.admin);
});

test('a vehicle and a driver with a login (API)', async () => {
  const vehicle = await api<Vehicle>(token, 'POST', '/api/ops/vehicles', { plate_number: names.plate('E2E'), type: 'VAN', capacity_kg: 800 });
  const driver = await api<Driver>(token, 'POST', '/api/ops/drivers', { name: 'Dev Driver', phone: '+447700900111', email: driverLogin.email, password: driverLogin.password });
  await ops.goto('/ops/admin/drivers');
  await ops.getByText('Dev Driver').first().waitFor();
  await shot(ops, 'ops-admin-drivers');
  await ops.goto('/ops/admin/vehicles');
  await shot(ops, 'ops-admin-vehicles');
  fleet = { vehicle, driver };
});

for (const [index, reference] of refs.entries()) {
  test(`ops creates order ${index === 0 ? 'A (coordinates typed)' : 'B (drop placed on the map)'} in the console`, async () => {
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
      const box = (await map.boundingBox())!;
      await ops.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
      const lat = Number(await lats.nth(1).inputValue());
      expect(Math.abs(lat - 51.5), `the map click should set the drop's latitude near London, got ${lat}`).toBeLessThan(0.5);
      await shot(ops, 'ops-new-order-map-pin');
    }
    await ops.getByRole('button', { name: 'Create order' }).click();
    await ops.waitForURL(/\/ops\/orders\/[0-9A-Z]{26}$/);
    orderIds.push(ops.url().split('/').pop()!);
    if (index === 0) await shot(ops, 'ops-order-created');
  });
}

test('ops creates an optimised route with both orders, then reorders two stops', async () => {
  await ops.goto('/ops/routes');
  await ops.getByRole('heading', { name: 'Routes', level: 1 }).waitFor();
  await ops.getByRole('button', { name: 'New route' }).click();
  const dialog = ops.getByRole('dialog');
  await dialog.getByLabel('Driver').selectOption(fleet.driver.id);
  await dialog.getByLabel('Vehicle').selectOption(fleet.vehicle.id);
  for (const reference of refs) await dialog.getByLabel(new RegExp(reference)).check();
  expect(await dialog.getByLabel(/Optimise the stop order/).isChecked(), 'optimise should be on by default').toBe(true);
  await dialog.getByRole('button', { name: 'Create route' }).click();
  await ops.waitForURL(/\/ops\/routes\/[0-9A-Z]{26}$/);
  await ops.getByText('Optimised', { exact: true }).waitFor();
  expect(await ops.getByTestId('route-stop').count(), 'the route should list 4 stops').toBe(4);
  await ops.locator('.leaflet-container').waitFor();
  await shot(ops, 'ops-route-detail');
  // Reorder with the keyboard-accessible arrows: swap two neighbours that may swap
  // (not an order's pickup and its own drop); the list changes at once and is saved.
  const rows = await ops
    .getByTestId('route-stop')
    .evaluateAll((items) => items.map((item) => ({ type: item.querySelector('[class*="badge"]')?.textContent ?? '', ref: item.querySelector('a')?.textContent ?? '' })));
  const i = rows.findIndex((row, k) => k < rows.length - 1 && !(row.type === 'Pickup' && rows[k + 1]!.type === 'Drop' && rows[k + 1]!.ref === row.ref));
  expect(i, `no swappable stops in ${JSON.stringify(rows)}`).toBeGreaterThanOrEqual(0);
  await ops.getByRole('button', { name: `Move stop ${i + 1} down` }).click();
  await ops.getByText('Stop order saved.').waitFor();
  const after = await ops.getByTestId('route-stop').evaluateAll((items) => items.map((item) => item.querySelector('a')?.textContent ?? ''));
  expect(after[i] === rows[i + 1]!.ref && after[i + 1] === rows[i]!.ref, `stops ${i + 1} and ${i + 2} should have swapped: ${after.join(', ')}`).toBe(true);
  routeId = ops.url().split('/').pop()!;
  await ops.goto('/ops/routes');
  await ops.getByRole('link', { name: /Dev Driver/ }).waitFor();
  await shot(ops, 'ops-routes');
});

test('the driver delivers order A with a POD and fails order B (driver API)', async () => {
  const phone = await driverApi(driverLogin);
  await phone.startRoute(routeId);
  const delivered = await phone.deliver(orderIds[0]!, 'Ananya Sharma');
  expect(delivered.order.status, 'order A should be DELIVERED').toBe('DELIVERED');
  const failed = await phone.fail(orderIds[1]!, 'Nobody home, no safe place');
  expect(failed.status, 'order B should be FAILED').toBe('FAILED');
});

test('ops see the POD on the order page', async () => {
  token = await accessToken(tenant.admin);
  await ops.goto(`/ops/orders/${orderIds[0]}`);
  await ops.getByTestId('pod-receiver').filter({ hasText: 'Ananya Sharma' }).waitFor();
  await ops.getByAltText(/Delivery photo of/).waitFor();
  await shot(ops, 'ops-order-pod');
});

test('ops rotate and revoke a tracking link; the old link stops working', async ({ browser }) => {
  const before = (await getOrder(token, orderIds[1]!)).tracking_token;
  await ops.goto(`/ops/orders/${orderIds[1]}`);
  await ops.getByTestId('tracking-link').waitFor();
  await ops.getByRole('button', { name: 'New link' }).click();
  await ops.getByRole('dialog').getByRole('button', { name: 'New link' }).click();
  await ops.getByText('New tracking link created.').waitFor();
  const after = (await getOrder(token, orderIds[1]!)).tracking_token;
  expect(after, 'rotating should give a new token').toBeTruthy();
  expect(after, 'rotating should give a new token').not.toBe(before);
  await ops.getByTestId('tracking-link').filter({ hasText: after! }).waitFor();
  const customer = await (await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 } })).newPage();
  await customer.goto(`/track/${before}`);
  await customer.getByText('This tracking link does not work').waitFor();
  await shot(customer, 'tracking-link-not-valid');
  await customer.context().close();
  await ops.getByRole('button', { name: 'Revoke' }).click();
  await ops.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await ops.getByText(/No tracking link: it was revoked/).waitFor();
  const revoked = await getOrder(token, orderIds[1]!);
  expect(revoked.tracking_token, 'revoking should clear the token').toBeFalsy();
});

test('ops acknowledge and resolve the exception', async () => {
  await ops.goto('/ops/exceptions');
  await ops.getByRole('heading', { name: 'Exceptions', level: 1 }).waitFor();
  await shot(ops, 'ops-exceptions');
  // The row of order B's exception (other spec files fail orders in the same company).
  const row = ops.getByRole('row').filter({ has: ops.locator(`a[href$="/ops/orders/${orderIds[1]}"]`) });
  await row.getByRole('button', { name: /^Acknowledge/ }).click();
  await ops.getByRole('dialog').getByLabel('Note').fill('Calling the customer');
  await ops.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
  await ops.getByRole('dialog').waitFor({ state: 'hidden' });
  await row.getByRole('button', { name: /^Resolve/ }).click();
  await ops.getByRole('dialog').getByLabel('Resolution').fill('Redelivery booked for tomorrow');
  await ops.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
  await ops.getByRole('dialog').waitFor({ state: 'hidden' });
  const page = await api<ApiPage<OrderException>>(token, 'GET', `/api/ops/exceptions?order_id=${orderIds[1]}`);
  const exception = page.items.find((item) => item.type === 'FAILED_ATTEMPT');
  expect(exception?.status, 'the FAILED_ATTEMPT exception should be RESOLVED').toBe('RESOLVED');
});

test('ops move an assigned order to another route (reassign)', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const van = await api<Vehicle>(token, 'POST', '/api/ops/vehicles', { plate_number: names.plate('E2F'), type: 'CAR', capacity_kg: 300 });
  const second = await api<Driver>(token, 'POST', '/api/ops/drivers', { name: 'Second Driver', phone: '+447700900222' });
  const order = await api<Order>(token, 'POST', '/api/ops/orders', {
    reference_code: `${refs[0]}-C`,
    customer_name: 'Chloe Reed',
    customer_phone: '+447700900333',
    stops: [
      { sequence_index: 1, type: 'PICKUP', address_line: 'Warehouse 1', city: 'London', lat: 51.5072, lng: -0.1276 },
      { sequence_index: 2, type: 'DROP', address_line: '1 Oxford St', city: 'London', lat: 51.5154, lng: -0.1419 },
    ],
  });
  const from = await api<Route>(token, 'POST', '/api/ops/routes', { route_date: today, driver_id: second.id, vehicle_id: van.id, order_ids: [order.id], optimize: true });
  const to = await api<Route>(token, 'POST', '/api/ops/routes', { route_date: tomorrow, driver_id: second.id, vehicle_id: van.id, order_ids: [], optimize: false });
  await ops.goto(`/ops/orders/${order.id}`);
  await ops.getByRole('button', { name: 'Move to route' }).click();
  const dialog = ops.getByRole('dialog');
  // The target by its id: other spec files have routes in the same company.
  await dialog.getByLabel('Route').selectOption(to.id);
  await dialog.getByLabel('Note').fill('Second driver takes it tomorrow');
  await dialog.getByRole('button', { name: 'Move order' }).click();
  await ops.getByText(/moved to the other route/).waitFor();
  const moved = await getOrder(token, order.id);
  expect(moved.route_id, 'the order should be on the target route').toBe(to.id);
  expect(moved.route_id).not.toBe(from.id);
});

test('ops import a CSV: the job runs in the background, the dialog follows it and shows the per-row report', async () => {
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
  const jobs = await api<ImportJobPage>(token, 'GET', '/api/ops/imports');
  expect(jobs.items[0]?.status, 'the import job should be PARTIAL').toBe('PARTIAL');
  await dialog.getByRole('button', { name: 'Done' }).click();
});

test('screenshots of the remaining ops pages', async () => {
  await ops.goto('/ops/dashboard');
  await ops.getByText("Today's orders by status").waitFor();
  await shot(ops, 'ops-dashboard');
  await ops.goto('/ops/orders');
  await ops.getByText(refs[0]!, { exact: true }).waitFor();
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
