// Where the browser tests run: set by infra/scripts/e2e.sh (make e2e, make test).
import { fileURLToPath } from 'node:url';

/** The local host serving the API and frontend/dist on one origin. */
export const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
/** Debian's chromium (never a browser build downloaded by Playwright). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots, results.json, traces of failed tests (git-ignored). */
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? fileURLToPath(new URL('../../e2e-artifacts/', import.meta.url));
export const HEADED = process.env.E2E_HEADED === '1';
/** The wait of the story's steps (a context's default timeout where the story sets one). */
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);
/** Where the stand-ins keep sent email: moto's state (`/moto-api/data.json`). */
export const MOTO_URL = (
  process.env.MOTO_URL ??
  process.env.AWS_ENDPOINT_URL_SESV2 ??
  process.env.AWS_ENDPOINT_URL_SES ??
  process.env.AWS_ENDPOINT_URL_S3 ??
  ''
).replace(/\/+$/, '');
