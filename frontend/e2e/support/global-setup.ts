// Before the run: last run's screenshots, results and traces go (e2e-artifacts/ is git-ignored).
import { mkdirSync, rmSync } from 'node:fs';

import { ARTIFACTS } from './env';

export default function globalSetup(): void {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
}
