import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { API_LIMITS } from '@/types/api-limits';

import openapiJson from '../../../docs/openapi.json?raw';

import { registerInputSchema } from './auth/api/register';
import { podInputSchema } from './driver/api/create-pod';
import { scanInputSchema } from './driver/api/scan-order';
import { createDriverInputSchema } from './drivers/api/create-driver';
import { updateDriverInputSchema } from './drivers/api/update-driver';
import { ackExceptionInputSchema } from './exceptions/api/ack-exception';
import { createExceptionInputSchema } from './exceptions/api/create-exception';
import { resolveExceptionInputSchema } from './exceptions/api/resolve-exception';
import { cancelOrderInputSchema } from './orders/api/cancel-order';
import { createOrderInputSchema, emptyOrderForm, type OrderFormValues } from './orders/api/create-order';
import { reassignOrderInputSchema } from './orders/api/reassign-order';
import { updateOrderInputSchema } from './orders/api/update-order';
import { addRouteOrdersInputSchema } from './routes/api/add-route-orders';
import { cancelRouteInputSchema } from './routes/api/cancel-route';
import { createRouteInputSchema } from './routes/api/create-route';
import { createUserInputSchema } from './users/api/create-user';
import { updateUserInputSchema } from './users/api/update-user';
import { vehicleInputSchema } from './vehicles/api/create-vehicle';
import { trackingSettingsInputSchema } from './webhooks/api/put-tracking-settings';
import { webhookSettingsInputSchema } from './webhooks/api/put-webhook-settings';

/**
 * The forms' zod limits are the API's (docs/openapi.json, generated from the Rust request types):
 * src/types/api-limits.ts is generated from the document, and every limit it lists is enforced,
 * at exactly that number, by the form field that sends it (or listed in NOT_IN_A_FORM).
 */

type Keyword = 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum';
type Limits = Record<string, Record<string, Partial<Record<Keyword, number>>>>;
const limits: Limits = API_LIMITS;

// ---------------------------------------------------------------------------------- the document

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
} & Partial<Record<Keyword, number>>;
type OpenApi = {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
  components: { schemas: Record<string, Schema> };
};
const doc = JSON.parse(openapiJson) as OpenApi;
const KEYWORDS: Keyword[] = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];

/** Every schema a request body refers to, directly or through another. */
function requestSchemaNames(): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as Schema).$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/components/schemas/', '');
      if (!found.has(name)) {
        found.add(name);
        visit(doc.components.schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  for (const methods of Object.values(doc.paths)) for (const operation of Object.values(methods)) visit(operation.requestBody);
  return found;
}

/** "Schema.property.keyword" -> value, for every limit of a request body in the document. */
function documentedLimits(): Map<string, number> {
  const result = new Map<string, number>();
  for (const name of requestSchemaNames()) {
    for (const [property, schema] of Object.entries(doc.components.schemas[name]?.properties ?? {})) {
      for (const keyword of KEYWORDS) {
        const value = schema[keyword];
        if (typeof value === 'number') result.set(`${name}.${property}.${keyword}`, value);
      }
    }
  }
  return result;
}

const generatedLimits = () =>
  new Map(
    Object.entries(limits).flatMap(([name, properties]) =>
      Object.entries(properties).flatMap(([property, found]) =>
        Object.entries(found).map(([keyword, value]) => [`${name}.${property}.${keyword}`, value] as const),
      ),
    ),
  );

// ---------------------------------------------------------------------------------- the forms

const text = (n: number) => 'a'.repeat(n);
/** A password of n characters that passes every other rule (letters, a digit, 5 distinct characters). */
const password = (n: number) => `Ab1cd${'e'.repeat(n - 5)}`;
/** A valid address of n characters: labels of at most 60 characters. */
const email = (n: number) => {
  const domain = Array.from({ length: n - 11 - 4 }, (_, i) => (i % 61 === 60 ? '.' : 'b')).join('');
  return `${'a'.repeat(10)}@${domain}.com`;
};
const url = (n: number) => `https://example.com/${'a'.repeat(n - 20)}`;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);

const stop = (type: 'PICKUP' | 'DROP') => ({ type, address_line: '1 Main St', city: 'Leeds', postal_code: '', lat: '0', lng: '0' });
const order = (): OrderFormValues => ({
  ...emptyOrderForm(),
  reference_code: 'CF-1',
  customer_name: 'Ana',
  customer_phone: '+447700900123',
  stops: [stop('PICKUP'), stop('DROP')],
  package: { weight_kg: '', items: [{ description: 'Box', quantity: '1', sku: '' }] },
});
const stops = (n: number) => [stop('PICKUP'), ...Array.from({ length: n - 1 }, () => stop('DROP'))];
const itemLines = (n: number) => Array.from({ length: n }, () => ({ description: 'Box', quantity: '1', sku: '' }));

type Case = {
  schema: z.ZodType;
  /** Valid values of the whole form. */
  valid: () => Record<string, unknown>;
  /** The form field (dotted path). */
  field: string;
  /** The API limits it enforces: "Schema.property" (several when one form sends several requests). */
  api: string[];
  /** A value of the field of size / value n that breaks no other rule. */
  make: (n: number) => unknown;
};

const user = { full_name: 'Ops Admin', email: 'ops@acme.example', password: 'StrongPass123!', role: 'OPS_DISPATCHER' };
const register = { tenant_name: 'Acme', tenant_slug: 'acme', full_name: 'Ops Admin', email: 'ops@acme.example', password: 'StrongPass123!' };
const driver = { name: 'Ravi', phone: '+447700900123', email: 'ravi@acme.example', enable_login: true, password: 'DriverPass123!' };

const CASES: Case[] = [
  { schema: registerInputSchema, valid: () => register, field: 'tenant_name', api: ['RegisterRequest.tenant_name'], make: text },
  { schema: registerInputSchema, valid: () => register, field: 'tenant_slug', api: ['RegisterRequest.tenant_slug'], make: text },
  { schema: registerInputSchema, valid: () => register, field: 'full_name', api: ['RegisterRequest.full_name'], make: text },
  { schema: registerInputSchema, valid: () => register, field: 'email', api: ['RegisterRequest.email'], make: email },
  { schema: registerInputSchema, valid: () => register, field: 'password', api: ['RegisterRequest.password'], make: password },
  { schema: createUserInputSchema, valid: () => user, field: 'full_name', api: ['CreateUserRequest.full_name'], make: text },
  { schema: createUserInputSchema, valid: () => user, field: 'email', api: ['CreateUserRequest.email'], make: email },
  { schema: createUserInputSchema, valid: () => user, field: 'password', api: ['CreateUserRequest.password'], make: password },
  { schema: updateUserInputSchema, valid: () => ({ full_name: 'Ops', role: 'OPS_ADMIN' }), field: 'full_name', api: ['UpdateUserRequest.full_name'], make: text },
  { schema: createDriverInputSchema, valid: () => driver, field: 'name', api: ['CreateDriverRequest.name'], make: text },
  { schema: createDriverInputSchema, valid: () => driver, field: 'email', api: ['CreateDriverRequest.email'], make: email },
  { schema: createDriverInputSchema, valid: () => driver, field: 'password', api: ['CreateDriverRequest.password'], make: password },
  {
    schema: updateDriverInputSchema,
    valid: () => ({ name: 'Ravi', phone: '+447700900123' }),
    field: 'name',
    api: ['UpdateDriverRequest.name'],
    make: text,
  },
  {
    schema: vehicleInputSchema,
    valid: () => ({ plate_number: 'AB12', type: 'VAN', capacity_kg: 1000 }),
    field: 'capacity_kg',
    api: ['CreateVehicleRequest.capacity_kg', 'UpdateVehicleRequest.capacity_kg'],
    make: (n) => n,
  },
  { schema: createOrderInputSchema, valid: order, field: 'customer_name', api: ['OrderInput.customer_name'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'notes', api: ['OrderInput.notes'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'stops', api: ['OrderInput.stops'], make: stops },
  { schema: createOrderInputSchema, valid: order, field: 'stops.0.address_line', api: ['StopInput.address_line'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'stops.0.city', api: ['StopInput.city'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'stops.0.postal_code', api: ['StopInput.postal_code'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'stops.0.lat', api: ['StopInput.lat'], make: String },
  { schema: createOrderInputSchema, valid: order, field: 'stops.0.lng', api: ['StopInput.lng'], make: String },
  { schema: createOrderInputSchema, valid: order, field: 'package.items', api: ['PackageInput.items'], make: itemLines },
  { schema: createOrderInputSchema, valid: order, field: 'package.weight_kg', api: ['PackageInput.weight_kg'], make: String },
  { schema: createOrderInputSchema, valid: order, field: 'package.items.0.description', api: ['ItemLineInput.description'], make: text },
  { schema: createOrderInputSchema, valid: order, field: 'package.items.0.quantity', api: ['ItemLineInput.quantity'], make: String },
  { schema: createOrderInputSchema, valid: order, field: 'package.items.0.sku', api: ['ItemLineInput.sku'], make: text },
  {
    schema: updateOrderInputSchema,
    valid: () => ({ customer_name: 'Ana', customer_phone: '+447700900123', notes: '' }),
    field: 'customer_name',
    api: ['UpdateOrderRequest.customer_name'],
    make: text,
  },
  {
    schema: updateOrderInputSchema,
    valid: () => ({ customer_name: 'Ana', customer_phone: '+447700900123', notes: '' }),
    field: 'notes',
    api: ['UpdateOrderRequest.notes'],
    make: text,
  },
  { schema: cancelOrderInputSchema, valid: () => ({ reason: 'x' }), field: 'reason', api: ['CancelOrderRequest.reason'], make: text },
  {
    schema: reassignOrderInputSchema,
    valid: () => ({ target_route_id: 'R1', note: '' }),
    field: 'note',
    api: ['ReassignOrderRequest.note'],
    make: text,
  },
  {
    schema: createExceptionInputSchema,
    valid: () => ({ type: 'DELAY', notes: '' }),
    field: 'notes',
    api: ['CreateExceptionRequest.notes'],
    make: text,
  },
  { schema: ackExceptionInputSchema, valid: () => ({ note: '' }), field: 'note', api: ['AckExceptionRequest.note'], make: text },
  {
    schema: resolveExceptionInputSchema,
    valid: () => ({ resolution: 'x' }),
    field: 'resolution',
    api: ['ResolveExceptionRequest.resolution'],
    make: text,
  },
  {
    schema: createRouteInputSchema,
    valid: () => ({ route_date: '2026-11-23', driver_id: 'D1', vehicle_id: 'V1', order_ids: [], optimize: true }),
    field: 'order_ids',
    api: ['CreateRouteRequest.order_ids'],
    make: ids,
  },
  {
    schema: addRouteOrdersInputSchema,
    valid: () => ({ order_ids: ['O1'], optimize: true }),
    field: 'order_ids',
    api: ['AddRouteOrdersRequest.order_ids'],
    make: ids,
  },
  { schema: cancelRouteInputSchema, valid: () => ({ reason: '' }), field: 'reason', api: ['CancelRouteRequest.reason'], make: text },
  {
    schema: podInputSchema,
    valid: () => ({ receiver_name: 'Ana', notes: '', has_photo: true, has_signature: false }),
    field: 'receiver_name',
    api: ['CreatePodRequest.receiver_name'],
    make: text,
  },
  {
    schema: podInputSchema,
    valid: () => ({ receiver_name: 'Ana', notes: '', has_photo: true, has_signature: false }),
    field: 'notes',
    api: ['CreatePodRequest.notes'],
    make: text,
  },
  { schema: scanInputSchema, valid: () => ({ code: 'CF-1' }), field: 'code', api: ['ScanRequest.code'], make: text },
  {
    schema: trackingSettingsInputSchema,
    valid: () => ({ show_pod_photo: false, link_expiry_days: 7 }),
    field: 'link_expiry_days',
    api: ['PutTrackingSettingsRequest.link_expiry_days'],
    make: (n) => n,
  },
  {
    schema: webhookSettingsInputSchema,
    valid: () => ({ enabled: true, url: 'https://example.com/hook', secret: '', all_events: true, events: [] }),
    field: 'url',
    api: ['PutWebhookSettingsRequest.url'],
    make: url,
  },
];

/** API limits no form field sends, and why. */
const NOT_IN_A_FORM: Record<string, string> = {
  'CreatePodUploadsRequest.files': 'built by the app from the photo and signature taken (one of each at most)',
  'DimensionsInput.length_cm': 'the order form has no dimensions',
  'DimensionsInput.width_cm': 'the order form has no dimensions',
  'DimensionsInput.height_cm': 'the order form has no dimensions',
  'StopInput.sequence_index': "set from the stop's position in the form",
  'StopInput.contact_name': 'the order form has no stop contact',
  'UpdateOrderRequest.stops': 'the edit dialog does not change stops',
  'UpdateOrderRequest.version': 'not typed by anyone',
};

const setAt = (values: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
  const copy = structuredClone(values);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
};

/** The messages the schema gives for `field` when it has `value` (the rest valid). */
const problemsWith = (c: Case, value: unknown): string[] => {
  const result = c.schema.safeParse(setAt(c.valid(), c.field, value));
  return result.success ? [] : result.error.issues.filter((issue) => issue.path.join('.') === c.field).map((issue) => issue.message);
};

/** [value that must pass, value that must fail] for a keyword's limit. */
const probes = (keyword: Keyword, limit: number): [number, number] => {
  switch (keyword) {
    case 'maxLength':
    case 'maxItems':
    case 'maximum':
      return [limit, limit + 1];
    case 'minLength':
    case 'minItems':
    case 'minimum':
      return [limit, limit - 1];
    case 'exclusiveMinimum':
      return [limit + 0.5, limit];
    case 'exclusiveMaximum':
      return [limit - 0.5, limit];
  }
};

describe('src/types/api-limits.ts', () => {
  it('holds exactly the limits docs/openapi.json gives request bodies (run `npm run gen:api` after `make openapi`)', () => {
    const documented = documentedLimits();
    expect(documented.size).toBeGreaterThan(30);
    expect(Object.fromEntries(generatedLimits())).toEqual(Object.fromEntries(documented));
  });
});

describe("the forms enforce the API's limits", () => {
  const checks = CASES.flatMap((c) => {
    const [first] = c.api;
    const [schemaName, property] = first!.split('.');
    const found = limits[schemaName!]?.[property!] ?? {};
    return (Object.entries(found) as [Keyword, number][]).map(([keyword, limit]) => ({ c, keyword, limit, label: `${first} ${keyword}` }));
  });

  it('checks a limit for every case', () => {
    for (const c of CASES) expect(checks.some((check) => check.c === c), `${c.api.join(', ')}: no limit in the document`).toBe(true);
  });

  it.each(checks)('$label: the form field takes the limit and refuses beyond it', ({ c, keyword, limit }) => {
    for (const other of c.api) {
      const [schemaName, property] = other.split('.');
      expect(limits[schemaName!]?.[property!]?.[keyword], `${other} ${keyword}`).toBe(limit);
    }
    const [ok, beyond] = probes(keyword, limit);
    expect(problemsWith(c, c.make(ok)), `${c.field} = ${ok}`).toEqual([]);
    expect(problemsWith(c, c.make(beyond)), `${c.field} = ${beyond}`).not.toEqual([]);
  });

  it('every API limit is enforced by a form field, or listed as not typed in a form', () => {
    const covered = new Set(CASES.flatMap((c) => c.api));
    const missing = Object.entries(limits)
      .flatMap(([name, properties]) => Object.keys(properties).map((property) => `${name}.${property}`))
      .filter((key) => !covered.has(key) && !(key in NOT_IN_A_FORM));
    expect(missing, 'a form field sends these: add a CASE (and use API_LIMITS in its zod schema)').toEqual([]);
    for (const key of Object.keys(NOT_IN_A_FORM)) expect(covered.has(key), `${key} is both checked and excused`).toBe(false);
  });
});
