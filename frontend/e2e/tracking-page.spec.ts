// The customer's tracking page (its own entry, no React): a delivered order with its POD.
// The order is delivered through the driver API; the page while the driver is on the way is
// checked in driver-app.spec.ts, a rotated link in ops-console.spec.ts.
import type { Order } from '../src/types/api';
import { accessToken, getOrder } from './support/api';
import { blockTiles, shot, watch } from './support/browser';
import { BASE_URL, TIMEOUT } from './support/env';
import { createFleet, createOrder, createRoute, driverApi } from './support/seed';
import { readTenant, uniqueNames } from './support/tenant';
import { expect, test } from './support/test';

const names = uniqueNames('T');
let token: string;
let order: Order;

test.beforeAll(async () => {
  const tenant = readTenant();
  token = await accessToken(tenant.admin);
  const login = { email: `driver-${names.suffix.toLowerCase()}@${tenant.slug}.example`, password: 'DriverPass123!' };
  const fleet = await createFleet(token, { plate: names.plate('E2T'), driverName: 'Toni Driver', phone: '+447700900666', login });
  order = await createOrder(token, { reference: names.reference('A'), customer: 'Ananya Sharma', drop: { address_line: '10 Baker Street', lat: 51.5237, lng: -0.1585 } });
  const route = await createRoute(token, { ...fleet, orders: [order] });
  const phone = await driverApi(login);
  await phone.startRoute(route.id);
  await phone.deliver(order.id, 'Ananya Sharma');
});

test('the customer tracking page shows DELIVERED with the POD summary', async ({ browser }) => {
  const current = await getOrder(token, order.id);
  const customerContext = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 }, isMobile: true });
  customerContext.setDefaultTimeout(TIMEOUT);
  await blockTiles(customerContext);
  const customer = await customerContext.newPage();
  watch(customer, 'tracking');
  const scripts: string[] = [];
  customer.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await customer.goto(`/track/${current.tracking_token}`);
  await customer.locator('[data-testid="tracking-status"][data-status="DELIVERED"]').waitFor();
  await customer.getByTestId('tracking-pod').getByText('Received by Ananya Sharma').waitFor();
  expect(
    scripts.filter((url) => /react|leaflet/.test(url)),
    `tracking page loaded app code: ${scripts.join(', ')}`,
  ).toEqual([]);
  await shot(customer, 'tracking-delivered');
  await customerContext.close();
});
