import { z } from 'zod';

import { t } from '@/locales';
import { API_LIMITS } from '@/types/api-limits';

/**
 * Field rules shared by every form, mirroring the backend's validation so
 * users get instant feedback. The backend stays the source of truth: its
 * field errors are mapped back onto the same form fields.
 */

const v = t.validation;

/** Length in Unicode code points, as the backend counts characters. */
const charLength = (value: string) => Array.from(value).length;

// Limits from the OpenAPI document (src/types/api-limits.ts): the same in every request that has the field.
export const PASSWORD_MIN_LENGTH = API_LIMITS.CreateUserRequest.password.minLength;
export const PASSWORD_MAX_LENGTH = API_LIMITS.CreateUserRequest.password.maxLength;
export const NAME_MAX_LENGTH = API_LIMITS.CreateUserRequest.full_name.maxLength;
export const EMAIL_MAX_LENGTH = API_LIMITS.CreateUserRequest.email.maxLength;
const SLUG = API_LIMITS.RegisterRequest.tenant_slug;
const CAPACITY = API_LIMITS.CreateVehicleRequest.capacity_kg;

export const emailSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .max(EMAIL_MAX_LENGTH, v.tooLong(EMAIL_MAX_LENGTH))
  .pipe(z.email({ error: v.emailInvalid }));

/** Empty input becomes `undefined`; anything else must be a valid email. */
export const optionalEmailSchema = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(emailSchema.optional());

/**
 * 10–128 characters with a letter, an ASCII digit and at least 5 distinct
 * characters. (The server also refuses a short list of common passwords.)
 */
export const passwordSchema = z
  .string()
  .min(1, v.required)
  .refine((value) => charLength(value) >= PASSWORD_MIN_LENGTH, v.passwordTooShort(PASSWORD_MIN_LENGTH))
  .refine((value) => charLength(value) <= PASSWORD_MAX_LENGTH, v.tooLong(PASSWORD_MAX_LENGTH))
  .refine((value) => /\p{L}/u.test(value), v.passwordNeedsLetter)
  .refine((value) => /[0-9]/.test(value), v.passwordNeedsDigit)
  .refine((value) => new Set(value).size >= 5, v.passwordTooSimple);

/** For sign-in forms: the server decides; only require something was typed. */
export const loginPasswordSchema = z.string().min(1, v.required);

/** full_name / name: 1–120 characters after trimming, no control characters. */
export const nameSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .refine((value) => charLength(value) <= NAME_MAX_LENGTH, v.tooLong(NAME_MAX_LENGTH))
  .refine((value) => !/\p{Cc}/u.test(value), v.controlCharacters);

/** 3–40 of [a-z0-9-], starting with a letter, not ending with '-'. */
export const tenantSlugSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .refine((value) => value.length >= SLUG.minLength && value.length <= SLUG.maxLength, v.slugLength)
  .refine((value) => /^[a-z][a-z0-9-]*$/.test(value) && !value.endsWith('-'), v.slugFormat);

/** Suggests a workspace slug from a company name ("ACME Logistics!" -> "acme-logistics"). */
export function slugify(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/**
 * E.164: '+' then 8–15 digits, the first not 0. Spaces, dashes, dots and
 * parentheses typed for readability are removed before checking, so
 * "+44 7700 900123" is accepted and sent as "+447700900123".
 */
export const phoneSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{7,14}$/, v.phoneFormat));

/** Whole kilograms, 1..100 000. Inputs register with `valueAsNumber`. */
export const capacityKgSchema = z
  .number({ error: v.capacityNumber })
  .int(v.capacityInteger)
  .min(CAPACITY.minimum, v.capacityRange)
  .max(CAPACITY.maximum, v.capacityRange);

/** 2–16 of [A-Z0-9- ]; input is trimmed and upper-cased first. */
export const plateNumberSchema = z
  .string()
  .trim()
  .min(1, v.required)
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9 -]{2,16}$/, v.plateFormat));

/**
 * Free text as the API checks it (addresses, notes, reasons): trimmed, at most
 * `max` characters, no control characters other than tab and line feed.
 */
const hasForbiddenControl = (value: string) => /(?![\t\n])\p{Cc}/u.test(value);

export const requiredTextSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1, v.required)
    .refine((value) => charLength(value) <= max, v.tooLong(max))
    .refine((value) => !hasForbiddenControl(value), v.textControlCharacters);

/** Like `requiredTextSchema`; empty input becomes `undefined`. */
export const optionalTextSchema = (max: number) =>
  z
    .string()
    .trim()
    .refine((value) => charLength(value) <= max, v.tooLong(max))
    .refine((value) => !hasForbiddenControl(value), v.textControlCharacters)
    .transform((value) => (value === '' ? undefined : value));
