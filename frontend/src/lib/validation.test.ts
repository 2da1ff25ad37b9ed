import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { t } from '@/locales';

import {
  capacityKgSchema,
  emailSchema,
  nameSchema,
  optionalEmailSchema,
  passwordSchema,
  phoneSchema,
  plateNumberSchema,
  slugify,
  tenantSlugSchema,
} from './validation';

const v = t.validation;

/** First error message, or null when the value is valid. */
const errorOf = (schema: z.ZodType, value: unknown): string | null => {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'invalid');
};

describe('email', () => {
  it.each(['ops@example.com', 'first.last+tag@sub.example.co.uk', '  padded@example.com  '])('accepts %j', (value) => {
    expect(errorOf(emailSchema, value)).toBeNull();
  });

  it('trims the value', () => {
    expect(emailSchema.parse('  a@example.com ')).toBe('a@example.com');
  });

  it('requires a value', () => {
    expect(errorOf(emailSchema, '')).toBe(v.required);
    expect(errorOf(emailSchema, '   ')).toBe(v.required);
  });

  it.each(['plainaddress', 'no-at.example.com', 'a@', '@example.com', 'a@b', 'a b@example.com', 'a@@example.com'])(
    'rejects %j',
    (value) => {
      expect(errorOf(emailSchema, value)).toBe(v.emailInvalid);
    },
  );

  it('rejects addresses longer than 254 characters', () => {
    expect(errorOf(emailSchema, `${'a'.repeat(250)}@example.com`)).toBe(v.tooLong(254));
  });

  it('optional email: empty becomes undefined, anything else must be valid', () => {
    expect(optionalEmailSchema.parse('')).toBeUndefined();
    expect(optionalEmailSchema.parse('  ')).toBeUndefined();
    expect(optionalEmailSchema.parse('d@example.com')).toBe('d@example.com');
    expect(errorOf(optionalEmailSchema, 'nope')).toBe(v.emailInvalid);
  });
});

describe('password (10-128 chars, a letter, a digit, 5 distinct chars)', () => {
  it.each(['abcdefghi1', 'correct horse 9 battery', '1234567890x', 'Pässwörd12', `a1${'bcdef'.repeat(25)}x`])(
    'accepts %j',
    (value) => {
      expect(errorOf(passwordSchema, value)).toBeNull();
    },
  );

  it.each([
    ['', v.required],
    ['abc12', v.passwordTooShort(10)],
    ['abcdefgh1', v.passwordTooShort(10)], // 9 characters
    [`a1${'b'.repeat(127)}`, v.tooLong(128)],
    ['abcdefghijk', v.passwordNeedsDigit],
    ['abcdefghij١', v.passwordNeedsDigit], // an Arabic-Indic digit is not 0-9
    ['12345678901', v.passwordNeedsLetter],
    ['!!!!!!!!!!1', v.passwordNeedsLetter],
    ['aaaa1111aaaa', v.passwordTooSimple],
  ])('rejects %j', (value, message) => {
    expect(errorOf(passwordSchema, value)).toBe(message);
  });

  it('counts characters, not UTF-16 code units', () => {
    // 9 characters, but 10 code units because of the emoji.
    expect(errorOf(passwordSchema, 'abcdefg1😀')).toBe(v.passwordTooShort(10));
  });
});

describe('tenant_slug (3-40 of [a-z0-9-], starts with a letter, no trailing hyphen)', () => {
  it.each(['acme', 'acme-logistics', 'a1b', 'x2-delivery-co', `a${'b'.repeat(39)}`])('accepts %j', (value) => {
    expect(errorOf(tenantSlugSchema, value)).toBeNull();
  });

  it.each([
    ['', v.required],
    ['ab', v.slugLength],
    [`a${'b'.repeat(40)}`, v.slugLength],
    ['1acme', v.slugFormat],
    ['-acme', v.slugFormat],
    ['acme-', v.slugFormat],
    ['Acme', v.slugFormat],
    ['acme_co', v.slugFormat],
    ['acme co', v.slugFormat],
    ['acmé', v.slugFormat],
  ])('rejects %j', (value, message) => {
    expect(errorOf(tenantSlugSchema, value)).toBe(message);
  });

  it.each([
    ['ACME Logistics!', 'acme-logistics'],
    ['  Müller & Söhne GmbH ', 'muller-sohne-gmbh'],
    ['123 Couriers', 'couriers'],
    ['a'.repeat(50), 'a'.repeat(40)],
  ])('slugify(%j) suggests %j', (input, expected) => {
    expect(slugify(input)).toBe(expected);
    expect(errorOf(tenantSlugSchema, expected)).toBeNull();
  });
});

describe('phone (E.164: + then 8-15 digits)', () => {
  it.each([
    ['+447700900123', '+447700900123'],
    ['+12025550123', '+12025550123'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
    ['+44 7700 900123', '+447700900123'],
    ['+1 (202) 555-0123', '+12025550123'],
  ])('accepts %j as %j', (value, normalised) => {
    expect(phoneSchema.parse(value)).toBe(normalised);
  });

  it.each([
    ['', v.required],
    ['447700900123', v.phoneFormat],
    ['+1234567', v.phoneFormat],
    ['+1234567890123456', v.phoneFormat],
    ['+0447700900123', v.phoneFormat],
    ['+44 7700 9001x3', v.phoneFormat],
    ['++447700900123', v.phoneFormat],
  ])('rejects %j', (value, message) => {
    expect(errorOf(phoneSchema, value)).toBe(message);
  });
});

describe('capacity_kg (integer 1..100000)', () => {
  it.each([1, 750, 100_000])('accepts %j', (value) => {
    expect(errorOf(capacityKgSchema, value)).toBeNull();
  });

  it.each([
    [0, v.capacityRange],
    [-5, v.capacityRange],
    [100_001, v.capacityRange],
    [12.5, v.capacityInteger],
    [Number.NaN, v.capacityNumber], // what an empty number input yields
    ['500', v.capacityNumber],
  ])('rejects %j', (value, message) => {
    expect(errorOf(capacityKgSchema, value)).toBe(message);
  });
});

describe('plate_number (2-16 of [A-Z0-9- ], upper-cased)', () => {
  it.each([
    ['AB12 CDE', 'AB12 CDE'],
    ['ab12-cde', 'AB12-CDE'],
    ['  xy  ', 'XY'],
    ['A1', 'A1'],
    ['1234567890ABCDEF', '1234567890ABCDEF'],
  ])('accepts %j as %j', (value, normalised) => {
    expect(plateNumberSchema.parse(value)).toBe(normalised);
  });

  it.each([
    ['', v.required],
    ['A', v.plateFormat],
    ['1234567890ABCDEFG', v.plateFormat],
    ['AB_12', v.plateFormat],
    ['AB.12', v.plateFormat],
    ['ÄB 12', v.plateFormat],
  ])('rejects %j', (value, message) => {
    expect(errorOf(plateNumberSchema, value)).toBe(message);
  });
});

describe('full_name / name (1-120 chars)', () => {
  it('accepts and trims', () => {
    expect(nameSchema.parse('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(errorOf(nameSchema, 'A')).toBeNull();
    expect(errorOf(nameSchema, 'x'.repeat(120))).toBeNull();
    expect(errorOf(nameSchema, 'É'.repeat(120))).toBeNull();
  });

  it('rejects empty, blank and too long', () => {
    expect(errorOf(nameSchema, '')).toBe(v.required);
    expect(errorOf(nameSchema, '   ')).toBe(v.required);
    expect(errorOf(nameSchema, 'x'.repeat(121))).toBe(v.tooLong(120));
    expect(errorOf(nameSchema, 'Ada\nLovelace')).toBe(v.controlCharacters);
  });
});
