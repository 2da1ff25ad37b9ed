// The spec files' `test`: Playwright's, plus the browser console errors collected while each
// test ran (browser.ts `watch`) attached to it; reporter.ts prints them.
import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';

/** Filled by browser.ts `watch`. */
export const consoleErrors: string[] = [];

export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    // Playwright reads a fixture's dependencies from its first parameter: it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      await use();
      const lines = consoleErrors.splice(0);
      if (lines.length) await testInfo.attach('console-errors', { body: lines.join('\n'), contentType: 'text/plain' });
    },
    { auto: true },
  ],
});
