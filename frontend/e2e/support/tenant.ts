// The company the setup project registers through the console (register.setup.ts), shared by
// every spec file: one registration a run (registrations are throttled per address), and each
// spec makes its own drivers, vehicles, orders and routes in it with names of its own.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Credentials } from './api';
import { ARTIFACTS } from './env';

export type Tenant = { slug: string; suffix: string; admin: Credentials };

const FILE = join(ARTIFACTS, '.tenant.json');

/** A new, unique company (not registered yet). */
export function newTenant(): Tenant {
  const suffix = Date.now().toString(36);
  const slug = `e2e-${suffix}`;
  return { slug, suffix, admin: { email: `ops@${slug}.example`, password: 'E2ePassword123!' } };
}

export function saveTenant(tenant: Tenant): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(FILE, JSON.stringify(tenant, null, 2));
}

/** The registered company; the setup project must have run (Playwright runs it first). */
export function readTenant(): Tenant {
  try {
    return JSON.parse(readFileSync(FILE, 'utf8')) as Tenant;
  } catch (error) {
    throw new Error(`no registered company in ${FILE}: run the setup project first (${String(error)})`);
  }
}

/** Names unique within the company for one spec file: `tag` keeps the files' data apart. */
export function uniqueNames(tag: string) {
  const suffix = `${tag}${Date.now().toString(36)}`.toUpperCase();
  return {
    suffix,
    /** Vehicle plates: a three-letter prefix and four characters. */
    plate: (prefix: string) => `${prefix} ${suffix.slice(-4)}`,
    reference: (name: string) => `E2E-${suffix}-${name}`,
  };
}
