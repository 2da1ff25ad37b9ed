#!/usr/bin/env node
// Gzipped JavaScript each app loads before anything else (`npm run size` after a build):
// the HTML entry's scripts and module preloads, plus the lazily loaded layout and first
// page of each app, following their static imports. Leaflet is excluded (loaded on demand).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const assets = join(dist, 'assets');
const gz = (file) => gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;

function htmlScripts(html) {
  const text = readFileSync(join(dist, html), 'utf8');
  return [...text.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
}

function closure(files) {
  const seen = new Set();
  const stack = [...files];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file) || !existsSync(join(assets, file))) continue;
    seen.add(file);
    const code = readFileSync(join(assets, file), 'utf8');
    // Static imports only (`import ... from "./x.js"` and bare `import "./x.js"`), not import().
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) stack.push(m[1]);
  }
  return seen;
}

/** The chunks of a lazily loaded route module (named after its file). */
const chunk = (prefix) => readdirSync(assets).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'));

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const report = (name, files) => {
  const set = closure(files);
  const total = [...set].filter((f) => !f.startsWith('leaflet')).reduce((sum, f) => sum + gz(f), 0);
  console.log(`${name.padEnd(34)} ${kb(total).padStart(9)} gzipped JS (${set.size} files)`);
  return total;
};

const main = htmlScripts('index.html');
report('ops console (/ops/dashboard)', [...main, ...chunk('ops-layout'), ...chunk('dashboard')]);
report('driver app (/driver/today)', [...main, ...chunk('driver-layout'), ...chunk('today')]);
const tracking = report('tracking page (/track/:token)', htmlScripts('track.html'));
const leaflet = readdirSync(assets).filter((f) => f.startsWith('leaflet') && f.endsWith('.js')).reduce((s, f) => s + gz(f), 0);
console.log(`${'Leaflet (on demand)'.padEnd(34)} ${kb(leaflet).padStart(9)} gzipped JS`);
const LIMIT = 30 * 1024;
if (tracking > LIMIT) {
  console.error(`tracking page JS ${kb(tracking)} is over the ${kb(LIMIT)} budget`);
  process.exit(1);
}
