// Console output of the browser tests, in the lines infra/scripts/test.sh picks from the log:
//   [e2e  12.3s] ok   <area> › <test> (ms)      one per test as it ends (FAIL with the error)
//   accessibility (axe-core, WCAG 2.1 A/AA): N findings on P pages, S serious or critical
//   e2e: N of M tests passed ... in T s; screenshots in <dir>
// and e2e-artifacts/results.json with every test, accessibility finding and console error.
import type { FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { A11yReport } from './browser';
import { ARTIFACTS } from './env';

type Row = { name: string; ok: boolean; status: string; ms: number; error?: string };

const firstLine = (text: string) => text.split('\n').find((line) => line.trim()) ?? '';
// Playwright's messages carry terminal colours.
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

export default class E2eReporter implements Reporter {
  private readonly started = Date.now();
  private suite?: Suite;
  private readonly rows: Row[] = [];
  private readonly a11y: A11yReport[] = [];
  private readonly consoleErrors: string[] = [];

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: unknown, suite: Suite): void {
    this.suite = suite;
    this.log(`${suite.allTests().length} tests in Chromium against ${process.env.BASE_URL ?? '(BASE_URL unset)'}`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const name = `${basename(test.location.file).replace(/\.(spec|setup)\.ts$/, '')} › ${test.title}`;
    for (const attachment of result.attachments) {
      if (!attachment.body) continue;
      if (attachment.name === 'accessibility') this.a11y.push(JSON.parse(attachment.body.toString()) as A11yReport);
      if (attachment.name === 'console-errors') this.consoleErrors.push(...attachment.body.toString().split('\n'));
    }
    const ok = result.status === 'passed';
    const error = result.errors.map((e) => plain(e.message ?? String(e.value ?? ''))).join('\n');
    this.rows.push({ name, ok, status: result.status, ms: result.duration, error: error || undefined });
    if (ok) return this.log(`ok   ${name} (${result.duration} ms)`);
    if (result.status === 'skipped') return this.log(`skip ${name}`);
    this.log(`FAIL ${name}: ${firstLine(error)}`);
    for (const e of result.errors) this.printError(e);
    for (const attachment of result.attachments) {
      if (attachment.path && attachment.name !== 'accessibility') console.log(`     ${attachment.name}: ${attachment.path}`);
    }
  }

  onError(error: TestError): void {
    this.log(`FAIL (outside a test): ${firstLine(plain(error.message ?? String(error.value ?? '')))}`);
    this.printError(error);
  }

  onEnd(result: FullResult): void {
    const duration = ((Date.now() - this.started) / 1000).toFixed(1);
    const tests = this.suite?.allTests() ?? [];
    const passed = tests.filter((t) => t.outcome() === 'expected' && t.results.some((r) => r.status === 'passed')).length;
    const failed = tests.filter((t) => t.outcome() === 'unexpected' || t.outcome() === 'flaky').length;
    const notRun = tests.length - passed - failed;
    const findings = this.a11y.flatMap((report) => report.findings.map((finding) => ({ page: report.page, ...finding })));
    const serious = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, 'results.json'),
      JSON.stringify(
        { duration_s: Number(duration), status: result.status, accessibility: { pages: this.a11y.length, findings }, results: this.rows, console_errors: this.consoleErrors },
        null,
        2,
      ),
    );
    console.log(`accessibility (axe-core, WCAG 2.1 A/AA): ${findings.length} findings on ${this.a11y.length} pages, ${serious.length} serious or critical`);
    for (const f of findings.slice(0, 30)) console.log(`  [${f.impact}] ${f.page}: ${f.id} (${f.help}) ${f.nodes.join(', ')}`);
    if (this.consoleErrors.length) {
      console.log(`browser console errors (${this.consoleErrors.length}):`);
      for (const line of [...new Set(this.consoleErrors)].slice(0, 12)) console.log(`  ${line}`);
    }
    const more = [failed && `${failed} failed`, notRun && `${notRun} did not run`].filter(Boolean).join(', ');
    console.log(`e2e: ${passed} of ${tests.length} tests passed${more ? ` (${more})` : ''} in ${duration} s; screenshots in ${ARTIFACTS}`);
    if (serious.length) console.log(`e2e: failing on ${serious.length} serious or critical accessibility findings`);
    if (result.status !== 'passed' && !failed) console.log(`e2e: run ${result.status}`);
  }

  private log(message: string): void {
    console.log(`[e2e ${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
  }

  private printError(error: TestError): void {
    const text = plain([error.message ?? String(error.value ?? ''), error.snippet ?? '', error.location ? `at ${error.location.file}:${error.location.line}` : ''].join('\n'));
    for (const line of text.split('\n').filter((l) => l.trim()).slice(0, 30)) console.log(`     ${line}`);
  }
}
