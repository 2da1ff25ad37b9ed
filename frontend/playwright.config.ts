// Browser tests of the web apps (e2e/): Debian's chromium (never a browser build Playwright
// would download), against the local host that infra/scripts/e2e.sh names in BASE_URL.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

import { ARTIFACTS, BASE_URL, CHROMIUM, HEADED } from './e2e/support/env';

export default defineConfig({
  testDir: './e2e',
  outputDir: join(ARTIFACTS, 'test-results'),
  globalSetup: './e2e/support/global-setup.ts',
  reporter: [['./e2e/support/reporter.ts']],
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // The spec files are stories whose steps build on each other (serial inside a file); two
  // files at a time on a 2-core machine that also runs the local host and the stand-ins.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  timeout: 120_000,
  use: {
    baseURL: BASE_URL,
    // Playwright's library defaults; the story's contexts set their own shorter ones (E2E_TIMEOUT_MS).
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    // Kept only for a failed test. DOM snapshots and network, no screencast: the frames cost
    // about a quarter of the run on 2 cores, and a failed test saves screenshots of its pages.
    trace: { mode: 'retain-on-failure', snapshots: true, screenshots: false, sources: true },
    screenshot: 'only-on-failure',
    headless: !HEADED,
    launchOptions: {
      executablePath: CHROMIUM,
      // The flags the earlier runner started Debian's chromium with on a fresh machine: headless
      // asked for explicitly, no sandbox (root in CI), no GPU, nothing fetched in the background.
      args: [...(HEADED ? [] : ['--headless']), '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    // Registers the company every spec works in (support/tenant.ts).
    { name: 'setup', testMatch: /register\.setup\.ts$/ },
    { name: 'chromium', testMatch: /\.spec\.ts$/, dependencies: ['setup'] },
  ],
});
