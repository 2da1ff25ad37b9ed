// After `vite build`: Swagger UI's files for the API docs page (GET /api/docs/, served by the
// get-docs function) go to dist/docs-assets/, published with the web apps (the web bucket
// behind CloudFront in AWS; the local host serves dist/). Kept out of the Lambda binary: the
// bundled copy made get-docs a 6.5 MB zip. Not precached by the service worker (it is built
// before this runs).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const source = dirname(require.resolve('swagger-ui-dist/package.json'));
const target = join(here, '..', 'dist', 'docs-assets');
mkdirSync(target, { recursive: true });
for (const file of [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'LICENSE',
]) {
  copyFileSync(join(source, file), join(target, file));
}
copyFileSync(join(here, 'api-docs-init.js'), join(target, 'init.js'));
console.log(`API docs assets -> ${target}`);
