// Data a spec file needs before its own story starts, made through the API as an ops admin
// and as a driver would (the clicks for these are tested in the spec files that own them).
import type { CreatePodResponse, Driver, Order, PodFileKind, PodUploadsResponse, Route, Vehicle } from '../../src/types/api';
import { accessToken, api, type Credentials } from './api';
import { BASE_URL } from './env';
import { pngBytes } from './png';

export const WAREHOUSE = { address_line: 'Warehouse 1, Dock Road', city: 'London', lat: 51.5072, lng: -0.1276 };

/** A vehicle and a driver with a login. */
export async function createFleet(
  token: string,
  { plate, driverName, phone, login }: { plate: string; driverName: string; phone: string; login: Credentials },
): Promise<{ vehicle: Vehicle; driver: Driver }> {
  const vehicle = await api<Vehicle>(token, 'POST', '/api/ops/vehicles', { plate_number: plate, type: 'VAN', capacity_kg: 800 });
  const driver = await api<Driver>(token, 'POST', '/api/ops/drivers', { name: driverName, phone, email: login.email, password: login.password });
  return { vehicle, driver };
}

/** An order picked up at the warehouse and dropped at `drop`. */
export async function createOrder(
  token: string,
  { reference, customer, drop }: { reference: string; customer: string; drop: { address_line: string; lat: number; lng: number } },
): Promise<Order> {
  return api<Order>(token, 'POST', '/api/ops/orders', {
    reference_code: reference,
    customer_name: customer,
    customer_phone: '+447700900123',
    stops: [
      { sequence_index: 1, type: 'PICKUP', ...WAREHOUSE },
      { sequence_index: 2, type: 'DROP', city: 'London', ...drop },
    ],
  });
}

/** Today's optimised route with `orders`. */
export async function createRoute(token: string, { driver, vehicle, orders }: { driver: Driver; vehicle: Vehicle; orders: Order[] }): Promise<Route> {
  return api<Route>(token, 'POST', '/api/ops/routes', {
    route_date: new Date().toISOString().slice(0, 10),
    driver_id: driver.id,
    vehicle_id: vehicle.id,
    order_ids: orders.map((order) => order.id),
    optimize: true,
  });
}

/** What a driver's phone does, through the driver API. */
export async function driverApi(login: Credentials) {
  const token = await accessToken(login);
  const move = (orderId: string, toStatus: string, metadata?: Record<string, string>) =>
    api<Order>(token, 'POST', `/api/driver/orders/${orderId}/status`, { to_status: toStatus, ...(metadata ? { metadata } : {}) });
  return {
    startRoute: (routeId: string) => api<Route>(token, 'POST', `/api/driver/routes/${routeId}/start`),
    move,
    /** Picked up, on the way, then failed with a reason (opens a FAILED_ATTEMPT exception). */
    async fail(orderId: string, reason: string) {
      await move(orderId, 'PICKED_UP');
      await move(orderId, 'IN_TRANSIT');
      return move(orderId, 'FAILED', { reason });
    },
    /** Picked up, on the way, then delivered with a POD: photo and signature PUT to S3 through presigned URLs. */
    async deliver(orderId: string, receiverName: string) {
      await move(orderId, 'PICKED_UP');
      await move(orderId, 'IN_TRANSIT');
      const files: Record<PodFileKind, Buffer> = { photo: pngBytes(), signature: pngBytes(240, 80, [17, 24, 39]) };
      const { uploads } = await api<PodUploadsResponse>(token, 'POST', `/api/driver/orders/${orderId}/pod/uploads`, {
        files: (Object.keys(files) as PodFileKind[]).map((kind) => ({ kind, content_type: 'image/png', size: files[kind].length })),
      });
      const keys: Record<string, string> = {};
      for (const upload of uploads) {
        const url = new URL(upload.url, BASE_URL).href;
        // Exactly the signed headers; fetch sets Content-Length itself.
        const headers = Object.fromEntries(Object.entries(upload.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
        const put = await fetch(url, { method: upload.method, headers, body: new Uint8Array(files[upload.kind]) });
        if (!put.ok) throw new Error(`PUT ${upload.kind} to S3 -> ${put.status} ${(await put.text()).slice(0, 200)}`);
        keys[`${upload.kind}_key`] = upload.key;
      }
      return api<CreatePodResponse>(token, 'POST', `/api/driver/orders/${orderId}/pod`, { receiver_name: receiverName, ...keys });
    },
  };
}
