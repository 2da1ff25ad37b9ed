import { describe, expect, it } from 'vitest';

import openapiJson from '../../../docs/openapi.json?raw';

/**
 * One name through the stack (shared/HOUSE_STYLE.md): an endpoint's file under
 * features/<feature>/api/ is named after its operation in the OpenAPI document
 * (`list_orders` -> list-orders.ts) and exports its fetcher under the same name
 * (`listOrders`). Files there that are not one endpoint are listed below.
 */
const NOT_AN_ENDPOINT: Record<string, string> = {
  'auth/api/use-session-state.ts': 'the session state hook (refresh on start)',
  'driver/api/driver-queue.ts': "the driver's offline queue, replaying several endpoints",
  'driver/api/upload-file.ts': 'PUT of a POD file to its presigned S3 URL, not to the API',
  'driver/api/use-driver-actions.ts': 'queues and replays driver actions',
  'driver/api/use-location-sharing.ts': 'the /ws/driver/location WebSocket',
  'routes/api/route-mutation.ts': "what the route mutations share (path, cache updates)",
  'routes/api/use-route-live.ts': 'the /ws/ops/routes WebSocket',
};

const sources = import.meta.glob<string>('./*/api/*.ts', { query: '?raw', import: 'default', eager: true });

type OpenApi = { paths: Record<string, Record<string, { operationId?: string }>> };
const operations = new Set(
  Object.values((JSON.parse(openapiJson) as OpenApi).paths).flatMap((methods) =>
    Object.values(methods).flatMap((operation) => (operation.operationId ? [operation.operationId] : [])),
  ),
);

const camelCase = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const endpointFiles = Object.entries(sources)
  .map(([path, source]) => ({ file: path.replace(/^\.\//, ''), source }))
  .filter(({ file }) => !file.endsWith('.test.ts') && !(file in NOT_AN_ENDPOINT));

describe('API files are named after the operations they call', () => {
  it('finds the api files and the operations', () => {
    expect(endpointFiles.length).toBeGreaterThan(40);
    expect(operations.size).toBeGreaterThan(40);
  });

  it.each(endpointFiles)('$file is an operation of docs/openapi.json and exports its fetcher', ({ file, source }) => {
    const operation = file.split('/').pop()!.replace(/\.ts$/, '').replace(/-/g, '_');
    expect(operations, `no operation "${operation}": name the file after the operationId it calls`).toContain(operation);
    const fetcher = camelCase(operation);
    expect(source, `exports ${fetcher}`).toMatch(new RegExp(`export (const|async function|function) ${fetcher}\\b`));
  });

  it('lists only files that exist and are not named after an operation', () => {
    for (const file of Object.keys(NOT_AN_ENDPOINT)) {
      expect(Object.keys(sources), file).toContain(`./${file}`);
      const name = file.split('/').pop()!.replace(/\.ts$/, '').replace(/-/g, '_');
      expect(operations.has(name), `${file} is named after an operation: check it like the others`).toBe(false);
    }
  });
});
