import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Path } from 'react-hook-form';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { localDateTimeToRfc3339 } from '@/lib/datetime';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { nameSchema, optionalTextSchema, phoneSchema, requiredTextSchema } from '@/lib/validation';
import { t } from '@/locales';
import { STOP_TYPES, type Order, type OrderInput, type StopType, type WindowInput } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { ordersQueryKey } from './list-orders';

/**
 * The create-order form, mirroring the API's rules (shared/domain orders.rs)
 * so mistakes show at once; the API stays the judge and its field errors are
 * mapped back onto the same fields (`resolveOrderFormPath`).
 *
 * Inputs are strings as the browser holds them (numbers and date-times
 * included); the schema's output is the request body.
 */

const v = t.validation;

const STOP = API_LIMITS.StopInput;
const ITEM = API_LIMITS.ItemLineInput;

export const ORDER_RULES = {
  minStops: API_LIMITS.OrderInput.stops.minItems,
  maxStops: API_LIMITS.OrderInput.stops.maxItems,
  maxItemLines: API_LIMITS.PackageInput.items.maxItems,
  maxNotes: API_LIMITS.OrderInput.notes.maxLength,
  /** Not in the OpenAPI document (a rule about two fields): shared/domain orders.rs `parse_window`. */
  maxWindowDays: 14,
  maxWeightKg: API_LIMITS.PackageInput.weight_kg.maximum,
  maxQuantity: ITEM.quantity.maximum,
} as const;

const REFERENCE_CODE = /^[A-Z0-9\-_./]{1,40}$/;

/** 1–40 of letters, digits, '-', '_', '.', '/'; the API stores it upper-cased, so it is sent that way. */
export const referenceCodeSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .transform((value) => value.toUpperCase())
  .refine((value) => REFERENCE_CODE.test(value), v.referenceCode);

/**
 * A number typed into a text/number input: '' is "not given" (undefined); anything else must be
 * a finite number. (No z.NEVER on failure, so the order-level rules still run and report too.)
 */
const optionalNumberSchema = z
  .string()
  .trim()
  .transform((value, ctx): number | undefined => {
    if (value === '') return undefined;
    const number = Number(value);
    if (!Number.isFinite(number)) {
      ctx.addIssue({ code: 'custom', message: v.number });
      return undefined;
    }
    return number;
  });

const coordinateSchema = (min: number, max: number, message: string) =>
  optionalNumberSchema.refine((value) => value === undefined || (value >= min && value <= max), message);

const stopSchema = z
  .object({
    type: z.enum(STOP_TYPES, { error: v.stopType }),
    address_line: requiredTextSchema(STOP.address_line.maxLength),
    city: requiredTextSchema(STOP.city.maxLength),
    postal_code: optionalTextSchema(STOP.postal_code.maxLength),
    lat: coordinateSchema(STOP.lat.minimum, STOP.lat.maximum, v.latRange),
    lng: coordinateSchema(STOP.lng.minimum, STOP.lng.maximum, v.lngRange),
  })
  .superRefine((stop, ctx) => {
    // Both or neither; the API reports a lone one on `lat`, so does this.
    if ((stop.lat === undefined) !== (stop.lng === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['lat'], message: v.latLngTogether });
    }
  });

/** Two datetime-local inputs; both empty is "no window". */
const windowSchema = z
  .object({ start: z.string().trim(), end: z.string().trim() })
  .transform((window, ctx): WindowInput | undefined => {
    if (window.start === '' && window.end === '') return undefined;
    if (window.start === '' || window.end === '') {
      ctx.addIssue({ code: 'custom', path: [window.start === '' ? 'start' : 'end'], message: v.windowBoth });
      return undefined;
    }
    const start = localDateTimeToRfc3339(window.start);
    const end = localDateTimeToRfc3339(window.end);
    if (!start) ctx.addIssue({ code: 'custom', path: ['start'], message: v.dateTimeInvalid });
    if (!end) ctx.addIssue({ code: 'custom', path: ['end'], message: v.dateTimeInvalid });
    if (!start || !end) return undefined;
    const length = Date.parse(end) - Date.parse(start);
    if (length <= 0) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: v.windowOrder });
      return undefined;
    }
    if (length > ORDER_RULES.maxWindowDays * 24 * 3600 * 1000) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: v.windowTooLong(ORDER_RULES.maxWindowDays) });
      return undefined;
    }
    return { start, end };
  });

const itemLineSchema = z.object({
  description: requiredTextSchema(ITEM.description.maxLength),
  quantity: z
    .string()
    .trim()
    .min(1, v.required)
    .refine((value) => /^\d+$/.test(value) && Number(value) >= ITEM.quantity.minimum && Number(value) <= ORDER_RULES.maxQuantity, v.quantityRange)
    .transform(Number),
  sku: optionalTextSchema(ITEM.sku.maxLength),
});

/** Why the stop types are not in a valid order (a PICKUP after a DROP, or no PICKUP or no DROP); null when fine, or while a type is not chosen. */
export function stopsOrderError(types: readonly unknown[]): string | null {
  if (!types.every((type): type is StopType => STOP_TYPES.includes(type as StopType))) return null;
  const lastPickup = types.lastIndexOf('PICKUP');
  const firstDrop = types.indexOf('DROP');
  if (lastPickup === -1 || firstDrop === -1) return v.stopsMin;
  return lastPickup > firstDrop ? v.pickupsFirst : null;
}

export const createOrderInputSchema = z
  .object({
    reference_code: referenceCodeSchema,
    customer_name: nameSchema,
    customer_phone: phoneSchema,
    stops: z
      .array(stopSchema)
      .min(ORDER_RULES.minStops, v.stopsMin)
      .max(ORDER_RULES.maxStops, v.stopsMax(ORDER_RULES.maxStops)),
    pickup_window: windowSchema,
    drop_window: windowSchema,
    notes: optionalTextSchema(ORDER_RULES.maxNotes),
    package: z.object({
      weight_kg: optionalNumberSchema.refine(
        (value) => value === undefined || (value > API_LIMITS.PackageInput.weight_kg.exclusiveMinimum && value <= ORDER_RULES.maxWeightKg),
        v.weightRange,
      ),
      items: z.array(itemLineSchema).max(ORDER_RULES.maxItemLines, v.itemsMax(ORDER_RULES.maxItemLines)),
    }),
  })
  .check(
    // `when`: runs even when single fields failed, so every problem shows at once (values are checked before use).
    z.superRefine(
      (order, ctx) => {
        const stops: readonly { type?: unknown }[] = Array.isArray(order.stops) ? order.stops : [];
        if (stops.length >= ORDER_RULES.minStops && stops.length <= ORDER_RULES.maxStops) {
          const message = stopsOrderError(stops.map((stop) => stop.type));
          if (message) ctx.addIssue({ code: 'custom', path: ['stops'], message });
        }
        const pickup = order.pickup_window;
        const drop = order.drop_window;
        if (pickup?.start && drop?.end && Date.parse(pickup.start) >= Date.parse(drop.end)) {
          ctx.addIssue({ code: 'custom', path: ['drop_window', 'end'], message: v.dropAfterPickup });
        }
      },
      { when: () => true },
    ),
  )
  .transform(
    (order): OrderInput => ({
      reference_code: order.reference_code,
      customer_name: order.customer_name,
      customer_phone: order.customer_phone,
      stops: order.stops.map((stop, index) => ({
        sequence_index: index + 1,
        type: stop.type,
        address_line: stop.address_line,
        city: stop.city,
        ...(stop.postal_code !== undefined && { postal_code: stop.postal_code }),
        ...(stop.lat !== undefined && stop.lng !== undefined && { lat: stop.lat, lng: stop.lng }),
      })),
      ...(order.pickup_window && { pickup_window: order.pickup_window }),
      ...(order.drop_window && { drop_window: order.drop_window }),
      ...(order.notes !== undefined && { notes: order.notes }),
      ...((order.package.weight_kg !== undefined || order.package.items.length > 0) && {
        package: {
          ...(order.package.weight_kg !== undefined && { weight_kg: order.package.weight_kg }),
          items: order.package.items,
        },
      }),
    }),
  );

export type OrderFormValues = z.input<typeof createOrderInputSchema>;
export type StopFormValues = OrderFormValues['stops'][number];
export type ItemLineFormValues = OrderFormValues['package']['items'][number];

export const emptyStop = (type: StopType): StopFormValues => ({
  type,
  address_line: '',
  city: '',
  postal_code: '',
  lat: '',
  lng: '',
});

export const emptyItemLine = (): ItemLineFormValues => ({ description: '', quantity: '1', sku: '' });

export const emptyOrderForm = (): OrderFormValues => ({
  reference_code: '',
  customer_name: '',
  customer_phone: '',
  stops: [emptyStop('PICKUP'), emptyStop('DROP')],
  pickup_window: { start: '', end: '' },
  drop_window: { start: '', end: '' },
  notes: '',
  package: { weight_kg: '', items: [] },
});

const STOP_FIELDS = new Set(['type', 'address_line', 'city', 'postal_code', 'lat', 'lng']);
const ITEM_FIELDS = new Set(['description', 'quantity', 'sku']);
const TOP_FIELDS = new Set(['reference_code', 'customer_name', 'customer_phone', 'notes', 'package.weight_kg']);

/**
 * The form field that shows a server field error, given its dotted path
 * (`stops[1].lat` arrives as `stops.1.lat`), or null when the form has no such
 * field. Rules about a whole list go to its `root`; a window's rule to its end.
 */
export function resolveOrderFormPath(
  path: string,
  counts: { stops: number; items: number },
): Path<OrderFormValues> | null {
  if (TOP_FIELDS.has(path)) return path as Path<OrderFormValues>;
  if (path === 'stops') return 'stops.root' as Path<OrderFormValues>;
  if (path === 'package.items') return 'package.items.root' as Path<OrderFormValues>;
  if (path === 'pickup_window' || path === 'drop_window') return `${path}.end`;

  const stop = /^stops\.(\d+)\.(\w+)$/.exec(path);
  if (stop) {
    const [, index, field] = stop as unknown as [string, string, string];
    if (Number(index) >= counts.stops) return null;
    // Sequence numbers come from the list order, so a problem with them is one of the list.
    if (field === 'sequence_index') return 'stops.root' as Path<OrderFormValues>;
    return STOP_FIELDS.has(field) ? (`stops.${Number(index)}.${field}` as Path<OrderFormValues>) : null;
  }
  const item = /^package\.items\.(\d+)\.(\w+)$/.exec(path);
  if (item) {
    const [, index, field] = item as unknown as [string, string, string];
    if (Number(index) >= counts.items || !ITEM_FIELDS.has(field)) return null;
    return `package.items.${Number(index)}.${field}` as Path<OrderFormValues>;
  }
  return null;
}

type CreateOrderVariables = { input: OrderInput; idempotencyKey: string };

/** 409 when the reference code is taken (field error on `reference_code`); 422 when the key was used for another body. */
export const createOrder = (api: ApiClient, { input, idempotencyKey }: CreateOrderVariables): Promise<Order> =>
  api.post<Order>('/api/ops/orders', input, { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } });

export const useCreateOrder = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: CreateOrderVariables) => createOrder(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ordersQueryKey(api) }),
  });
};
