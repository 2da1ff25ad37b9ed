// The test's own calls to the API (the browsers keep their tokens in memory): setup data the
// story does not click through, and what the story checks on the server.
import type { BrowserContext } from '@playwright/test';

import type { OrderDetail, TokenResponse } from '../../src/types/api';
import { BASE_URL, MOTO_URL, TIMEOUT } from './env';

export type Credentials = { email: string; password: string };

/**
 * One API call, answered with `T` (a type generated from the OpenAPI document: the caller
 * names the operation's); a non-2xx answer throws with its status and body.
 */
export async function api<T = unknown>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** An access token for the test's own API calls (its own session, apart from any browser's). */
export const accessToken = async (credentials: Credentials): Promise<string> =>
  (await api<TokenResponse>(null, 'POST', '/api/auth/login', credentials)).access_token;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The path + fragment of the newest registration link emailed to `email` (SES, kept by moto). */
export async function emailedConfirmLink(email: string): Promise<string> {
  if (!MOTO_URL) throw new Error('set MOTO_URL (or AWS_ENDPOINT_URL_SESV2) so the test can read the registration email');
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const data: unknown = await (await fetch(`${MOTO_URL}/moto-api/data.json`)).json();
    const links: string[] = [];
    // A sent message is an object with the link in one of its own strings and the address somewhere in it.
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const own = Object.values(node)
        .filter((v): v is string => typeof v === 'string')
        .join('\n');
      if (own.includes('/register/confirm#token=') && JSON.stringify(node).includes(email)) {
        for (const match of own.matchAll(/\/register\/confirm#token=([A-Za-z0-9._~%-]+)/g)) links.push(`/register/confirm#token=${match[1]}`);
      }
      Object.values(node).forEach(walk);
    };
    walk(data);
    if (links.length) return links.at(-1)!;
    if (Date.now() > deadline) throw new Error(`no registration email to ${email} in ${MOTO_URL}/moto-api/data.json`);
    await sleep(250);
  }
}

/** Ends the browser context's driver session from outside: its refresh cookie -> an access token -> logout. */
export async function endDriverSession(context: BrowserContext): Promise<void> {
  const cookie = (await context.cookies()).find((c) => c.name === 'cf_rt_driver');
  if (!cookie) throw new Error('the driver app should hold a cf_rt_driver cookie');
  const refreshed = await fetch(`${BASE_URL}/api/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: `cf_rt_driver=${cookie.value}` },
    body: JSON.stringify({ realm: 'driver' }),
  });
  if (!refreshed.ok) throw new Error(`refresh with the driver's cookie -> ${refreshed.status}`);
  const { access_token } = (await refreshed.json()) as { access_token: string };
  const out = await fetch(`${BASE_URL}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${access_token}` } });
  if (out.status !== 204) throw new Error(`logout -> ${out.status}`);
}

/** GET /api/ops/orders/{id}: the order with its history, exceptions and POD summary. */
export const getOrder = (token: string, id: string) => api<OrderDetail>(token, 'GET', `/api/ops/orders/${id}`);
