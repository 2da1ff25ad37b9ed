import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/lib/api-client';
import { applyNestedApiFieldErrors, toFormPath } from '@/lib/form-errors';
import { t } from '@/locales';

import {
  createOrderInputSchema,
  emptyItemLine,
  emptyOrderForm,
  emptyStop,
  resolveOrderFormPath,
  stopsOrderError,
  type OrderFormValues,
  type StopFormValues,
} from './create-order';

const v = t.validation;

const stop = (type: 'PICKUP' | 'DROP', extra: Partial<StopFormValues> = {}): StopFormValues => ({
  ...emptyStop(type),
  address_line: type === 'PICKUP' ? 'Warehouse 4' : '12 High Street',
  city: 'Bengaluru',
  ...extra,
});

/** The seed order of the backend tests, as the form holds it. */
const valid = (): OrderFormValues => ({
  ...emptyOrderForm(),
  reference_code: 'CF-10021',
  customer_name: 'Ananya Sharma',
  customer_phone: '+918888887777',
  stops: [stop('PICKUP', { lat: '12.9698', lng: '77.75' }), stop('DROP', { lat: '12.9719', lng: '77.6412' })],
});

const with_ = (change: (form: OrderFormValues) => void): OrderFormValues => {
  const form = valid();
  change(form);
  return form;
};

/** Path -> first message, as the form shows them. */
const fieldErrors = (value: unknown): Record<string, string> => {
  const result = createOrderInputSchema.safeParse(value);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join('.')] ??= issue.message;
  return errors;
};

describe('create order form schema', () => {
  it('accepts the seed order and outputs the request body', () => {
    expect(createOrderInputSchema.parse(valid())).toEqual({
      reference_code: 'CF-10021',
      customer_name: 'Ananya Sharma',
      customer_phone: '+918888887777',
      stops: [
        { sequence_index: 1, type: 'PICKUP', address_line: 'Warehouse 4', city: 'Bengaluru', lat: 12.9698, lng: 77.75 },
        { sequence_index: 2, type: 'DROP', address_line: '12 High Street', city: 'Bengaluru', lat: 12.9719, lng: 77.6412 },
      ],
    });
  });

  it('normalises like the API: upper-cased reference, compact phone, trimmed text', () => {
    const body = createOrderInputSchema.parse(
      with_((f) => {
        f.reference_code = '  cf-10021/a_b.c ';
        f.customer_phone = '+44 7700 900123';
        f.stops[0] = stop('PICKUP', { city: '  Bengaluru ', postal_code: ' 560001 ' });
        f.notes = '  Ring twice\nthen wait  ';
      }),
    );
    expect(body.reference_code).toBe('CF-10021/A_B.C');
    expect(body.customer_phone).toBe('+447700900123');
    expect(body.stops[0]).toEqual({
      sequence_index: 1,
      type: 'PICKUP',
      address_line: 'Warehouse 4',
      city: 'Bengaluru',
      postal_code: '560001',
    });
    expect(body.notes).toBe('Ring twice\nthen wait');
  });

  it('accepts several pickups followed by several drops, numbered in list order', () => {
    const body = createOrderInputSchema.parse(
      with_((f) => {
        f.stops = [stop('PICKUP'), stop('PICKUP'), stop('DROP'), stop('DROP')];
      }),
    );
    expect(body.stops.map((s) => [s.sequence_index, s.type])).toEqual([
      [1, 'PICKUP'],
      [2, 'PICKUP'],
      [3, 'DROP'],
      [4, 'DROP'],
    ]);
  });

  it('accepts 25 stops and refuses 26', () => {
    const stops = (n: number) => [stop('PICKUP'), ...Array.from({ length: n - 1 }, () => stop('DROP'))];
    expect(createOrderInputSchema.safeParse(with_((f) => (f.stops = stops(25)))).success).toBe(true);
    expect(fieldErrors(with_((f) => (f.stops = stops(26))))).toEqual({ stops: v.stopsMax(25) });
  });

  it('needs at least two stops with a pickup and a drop', () => {
    expect(fieldErrors(with_((f) => (f.stops = [stop('PICKUP')])))).toEqual({ stops: v.stopsMin });
    expect(fieldErrors(with_((f) => (f.stops = [stop('PICKUP'), stop('PICKUP')])))).toEqual({ stops: v.stopsMin });
    expect(fieldErrors(with_((f) => (f.stops = [stop('DROP'), stop('DROP')])))).toEqual({ stops: v.stopsMin });
  });

  it('refuses a PICKUP after a DROP', () => {
    expect(fieldErrors(with_((f) => (f.stops = [stop('DROP'), stop('PICKUP')])))).toEqual({ stops: v.pickupsFirst });
    expect(fieldErrors(with_((f) => (f.stops = [stop('PICKUP'), stop('DROP'), stop('PICKUP'), stop('DROP')])))).toEqual({
      stops: v.pickupsFirst,
    });
    expect(stopsOrderError(['PICKUP', 'PICKUP', 'DROP'])).toBeNull();
    expect(stopsOrderError(['PICKUP', ''])).toBeNull(); // a type not chosen yet is reported on the stop
  });

  it('reports the stop order even when another field is wrong too', () => {
    expect(
      fieldErrors(
        with_((f) => {
          f.customer_phone = '12345';
          f.stops = [stop('DROP', { lat: 'abc', lng: '1' }), stop('PICKUP')];
        }),
      ),
    ).toEqual({ customer_phone: v.phoneFormat, 'stops.0.lat': v.number, stops: v.pickupsFirst });
  });

  it('refuses lat without lng (and lng without lat) on `lat`, like the API', () => {
    expect(fieldErrors(with_((f) => (f.stops[0] = stop('PICKUP', { lat: '12.97' }))))).toEqual({
      'stops.0.lat': v.latLngTogether,
    });
    expect(fieldErrors(with_((f) => (f.stops[1] = stop('DROP', { lng: '77.6' }))))).toEqual({
      'stops.1.lat': v.latLngTogether,
    });
  });

  it('checks coordinate ranges, inclusive of the limits', () => {
    expect(createOrderInputSchema.safeParse(with_((f) => (f.stops[0] = stop('PICKUP', { lat: '-90', lng: '180' })))).success).toBe(
      true,
    );
    expect(fieldErrors(with_((f) => (f.stops[0] = stop('PICKUP', { lat: '91', lng: '0' }))))).toEqual({
      'stops.0.lat': v.latRange,
    });
    expect(fieldErrors(with_((f) => (f.stops[1] = stop('DROP', { lat: '0', lng: '-180.5' }))))).toEqual({
      'stops.1.lng': v.lngRange,
    });
    expect(fieldErrors(with_((f) => (f.stops[1] = stop('DROP', { lat: 'north', lng: '0' }))))).toEqual({
      'stops.1.lat': v.number,
    });
  });

  it('checks the reference code', () => {
    expect(fieldErrors(with_((f) => (f.reference_code = 'CF#1')))).toEqual({ reference_code: v.referenceCode });
    expect(fieldErrors(with_((f) => (f.reference_code = 'A'.repeat(41))))).toEqual({ reference_code: v.referenceCode });
    expect(fieldErrors(with_((f) => (f.reference_code = 'ÄB')))).toEqual({ reference_code: v.referenceCode });
    expect(fieldErrors(with_((f) => (f.reference_code = '  ')))).toEqual({ reference_code: v.required });
    expect(createOrderInputSchema.safeParse(with_((f) => (f.reference_code = 'A'.repeat(40)))).success).toBe(true);
  });

  it('checks the customer and stop text fields', () => {
    expect(
      fieldErrors(
        with_((f) => {
          f.customer_name = '';
          f.customer_phone = '0044 7700 900123';
          f.stops[0] = stop('PICKUP', { address_line: 'x'.repeat(201), city: '' });
          f.stops[1] = stop('DROP', { postal_code: '1'.repeat(21) });
        }),
      ),
    ).toEqual({
      customer_name: v.required,
      customer_phone: v.phoneFormat,
      'stops.0.address_line': v.tooLong(200),
      'stops.0.city': v.required,
      'stops.1.postal_code': v.tooLong(20),
    });
  });

  it('limits notes to 1000 characters and refuses control characters other than tab and newline', () => {
    expect(createOrderInputSchema.safeParse(with_((f) => (f.notes = 'n'.repeat(1000)))).success).toBe(true);
    expect(fieldErrors(with_((f) => (f.notes = 'n'.repeat(1001))))).toEqual({ notes: v.tooLong(1000) });
    expect(fieldErrors(with_((f) => (f.notes = 'bell\u0007')))).toEqual({ notes: v.textControlCharacters });
    expect(createOrderInputSchema.parse(with_((f) => (f.notes = '   '))).notes).toBeUndefined();
  });

  describe('time windows', () => {
    it('converts datetime-local values to RFC 3339 UTC', () => {
      const body = createOrderInputSchema.parse(
        with_((f) => {
          f.pickup_window = { start: '2026-11-23T09:00', end: '2026-11-23T11:00' };
          f.drop_window = { start: '2026-11-23T12:00', end: '2026-11-23T18:30' };
        }),
      );
      expect(body.pickup_window).toEqual({
        start: new Date(2026, 10, 23, 9, 0).toISOString().replace('.000Z', 'Z'),
        end: new Date(2026, 10, 23, 11, 0).toISOString().replace('.000Z', 'Z'),
      });
      expect(body.drop_window?.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    });

    it('needs start before end, both or neither, and at most 14 days', () => {
      expect(fieldErrors(with_((f) => (f.pickup_window = { start: '2026-11-23T10:00', end: '2026-11-23T09:00' })))).toEqual({
        'pickup_window.end': v.windowOrder,
      });
      expect(fieldErrors(with_((f) => (f.pickup_window = { start: '2026-11-23T10:00', end: '2026-11-23T10:00' })))).toEqual({
        'pickup_window.end': v.windowOrder,
      });
      expect(fieldErrors(with_((f) => (f.drop_window = { start: '2026-11-23T10:00', end: '' })))).toEqual({
        'drop_window.end': v.windowBoth,
      });
      expect(fieldErrors(with_((f) => (f.drop_window = { start: '2026-11-01T10:00', end: '2026-11-15T10:01' })))).toEqual({
        'drop_window.end': v.windowTooLong(14),
      });
      expect(createOrderInputSchema.safeParse(with_((f) => (f.drop_window = { start: '2026-11-01T10:00', end: '2026-11-15T10:00' }))).success).toBe(
        true,
      );
    });

    it('needs the drop window to end after the pickup window starts', () => {
      expect(
        fieldErrors(
          with_((f) => {
            f.pickup_window = { start: '2026-11-24T10:00', end: '2026-11-24T12:00' };
            f.drop_window = { start: '2026-11-23T10:00', end: '2026-11-23T12:00' };
          }),
        ),
      ).toEqual({ 'drop_window.end': v.dropAfterPickup });
    });
  });

  describe('package', () => {
    it('sends weight and item lines only when given', () => {
      expect(createOrderInputSchema.parse(valid()).package).toBeUndefined();
      const body = createOrderInputSchema.parse(
        with_((f) => {
          f.package = { weight_kg: '2.5', items: [{ description: 'Box', quantity: '3', sku: ' SKU-1 ' }, { ...emptyItemLine(), description: 'Tube' }] };
        }),
      );
      expect(body.package).toEqual({
        weight_kg: 2.5,
        items: [
          { description: 'Box', quantity: 3, sku: 'SKU-1' },
          { description: 'Tube', quantity: 1 },
        ],
      });
    });

    it('needs 0 < weight <= 50000', () => {
      expect(createOrderInputSchema.safeParse(with_((f) => (f.package.weight_kg = '50000'))).success).toBe(true);
      for (const weight of ['0', '-1', '50000.001']) {
        expect(fieldErrors(with_((f) => (f.package.weight_kg = weight)))).toEqual({ 'package.weight_kg': v.weightRange });
      }
      expect(fieldErrors(with_((f) => (f.package.weight_kg = 'heavy')))).toEqual({ 'package.weight_kg': v.number });
    });

    it('checks item lines', () => {
      expect(
        fieldErrors(
          with_((f) => {
            f.package.items = [
              { description: '', quantity: '0', sku: '' },
              { description: 'Box', quantity: '1.5', sku: 's'.repeat(65) },
              { description: 'Box', quantity: '100001', sku: '' },
            ];
          }),
        ),
      ).toEqual({
        'package.items.0.description': v.required,
        'package.items.0.quantity': v.quantityRange,
        'package.items.1.quantity': v.quantityRange,
        'package.items.1.sku': v.tooLong(64),
        'package.items.2.quantity': v.quantityRange,
      });
      expect(fieldErrors(with_((f) => (f.package.items = Array.from({ length: 101 }, () => ({ ...emptyItemLine(), description: 'x' })))))).toEqual({
        'package.items': v.itemsMax(100),
      });
    });
  });
});

describe('server field errors on the order form', () => {
  const counts = { stops: 3, items: 1 };

  it('turns the API names into form paths', () => {
    expect(toFormPath('stops[1].lat')).toBe('stops.1.lat');
    expect(toFormPath('package.items[12].quantity')).toBe('package.items.12.quantity');
    expect(toFormPath('reference_code')).toBe('reference_code');
  });

  it('resolves each API field to the field that shows it', () => {
    const resolve = (field: string) => resolveOrderFormPath(toFormPath(field), counts);
    expect(resolve('stops[1].lat')).toBe('stops.1.lat');
    expect(resolve('stops[2].address_line')).toBe('stops.2.address_line');
    expect(resolve('stops[0].sequence_index')).toBe('stops.root');
    expect(resolve('stops')).toBe('stops.root');
    expect(resolve('reference_code')).toBe('reference_code');
    expect(resolve('package.weight_kg')).toBe('package.weight_kg');
    expect(resolve('package.items[0].quantity')).toBe('package.items.0.quantity');
    expect(resolve('package.items')).toBe('package.items.root');
    expect(resolve('pickup_window')).toBe('pickup_window.end');
    expect(resolve('drop_window')).toBe('drop_window.end');
    // Not rendered by this form: kept for the summary.
    expect(resolve('stops[3].lat')).toBeNull();
    expect(resolve('stops[0].contact_phone')).toBeNull();
    expect(resolve('package.dimensions')).toBeNull();
    expect(resolve('package.items[1].sku')).toBeNull();
  });

  it('sets nested errors on the form and returns the ones it cannot show', () => {
    const setError = vi.fn();
    const error = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'One or more fields are invalid.',
      fields: {
        'stops[1].lat': 'lat and lng go together',
        stops: 'every PICKUP must come before the DROP stops',
        'package.dimensions': 'each side must be more than 0 and at most 2000 cm',
      },
    });

    const result = applyNestedApiFieldErrors<OrderFormValues>(error, setError, (path) => resolveOrderFormPath(path, counts));

    expect(result.mapped).toEqual(['stops.1.lat', 'stops.root']);
    expect(result.unmapped).toEqual({ 'package.dimensions': 'Each side must be more than 0 and at most 2000 cm' });
    expect(setError).toHaveBeenNthCalledWith(1, 'stops.1.lat', { type: 'server', message: 'Lat and lng go together' }, { shouldFocus: true });
    expect(setError).toHaveBeenNthCalledWith(
      2,
      'stops.root',
      { type: 'server', message: 'Every PICKUP must come before the DROP stops' },
      { shouldFocus: false },
    );
  });

  it('maps a taken reference code (409) onto its field', () => {
    const setError = vi.fn();
    const error = new ApiError({
      status: 409,
      code: 'already_exists',
      message: 'reference_code is already taken',
      fields: { reference_code: 'is already taken' },
    });
    const result = applyNestedApiFieldErrors<OrderFormValues>(error, setError, (path) => resolveOrderFormPath(path, counts));
    expect(result.mapped).toEqual(['reference_code']);
    expect(setError).toHaveBeenCalledWith('reference_code', { type: 'server', message: 'Is already taken' }, { shouldFocus: true });
  });
});
