// The API reference the local host serves (as API Gateway does): Swagger UI's files from
// /docs-assets/ over the OpenAPI document at /api/schema/.
import { BASE_URL } from './support/env';
import { test } from './support/test';

test('the API reference renders: Swagger UI from /docs-assets/ over /api/schema/', async ({ browser }) => {
  const docs = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  await docs.goto('/api/docs');
  await docs.locator('.swagger-ui .info .title').getByText('CargoFlow', { exact: false }).waitFor();
  await docs.locator('.opblock-summary-path', { hasText: '/api/ops/orders' }).first().waitFor();
  await docs.context().close();
});
