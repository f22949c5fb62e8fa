/**
 * `npm run conformance`: an external check of the accessibility checker against the W3C
 * ACT rules test cases in ../shared/act-cases (611 pages; skipped when the folder is absent).
 *
 * It serves the cases on 127.0.0.1, runs ozgwatch's own `scan --checks a11y --json` over all
 * pages, then plain axe-core (injected into the top page, `axe.run` with the same profile's
 * tags) over the same pages, and reports how often each agrees with the W3C expectation,
 * with the cases where the two differ.
 *
 *   CONFORMANCE_PROFILE   en-301-549 (default), wcag21aa or wcag22aa
 *   CONFORMANCE_LIMIT     only the first N cases (for a quick look)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright';
import { PROFILES, type Profile } from '../src/checkers/a11y/axe.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../src/runner/browser-host.ts';

interface Case {
  file: string;
  actRuleId: string;
  axeRuleIds: string[];
  expected: 'passed' | 'failed' | 'inapplicable';
}

const root = path.resolve(import.meta.dirname, '../../shared/act-cases');
if (!existsSync(path.join(root, 'cases.json'))) {
  process.stdout.write(`conformance: ${root} not found, skipped\n`);
  process.exit(0);
}
const profile = (process.env.CONFORMANCE_PROFILE ?? 'en-301-549') as Profile;
if (!(profile in PROFILES)) throw new Error(`unknown profile ${profile}`);
const all = JSON.parse(readFileSync(path.join(root, 'cases.json'), 'utf8')) as Case[];
const cases = all.slice(0, Number(process.env.CONFORMANCE_LIMIT ?? all.length));

// The cases as a static site (some load assets beside them).
const casesDir = path.join(root, 'cases');
const server = createServer((req, res) => {
  const file = path.join(
    casesDir,
    decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
  );
  if (!file.startsWith(casesDir) || !existsSync(file)) return void res.writeHead(404).end();
  const type = file.endsWith('.html')
    ? 'text/html; charset=utf-8'
    : file.endsWith('.css')
      ? 'text/css'
      : file.endsWith('.js')
        ? 'application/javascript'
        : file.endsWith('.svg')
          ? 'image/svg+xml'
          : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const urlOf = (c: Case): string => `${base}${c.file}`;

/** Whether a set of violated rule ids agrees with the W3C expectation of a case. */
function agrees(c: Case, violated: ReadonlySet<string>): boolean {
  const flagged = c.axeRuleIds.some((id) => violated.has(id));
  return c.expected === 'failed' ? flagged : !flagged;
}

async function ozgwatchScan(): Promise<Map<string, Set<string>>> {
  const cli = path.join(import.meta.dirname, '../src/cli/main.ts');
  const out = new Map<string, Set<string>>();
  const child = spawn(
    process.execPath,
    [
      cli,
      'scan',
      '--checks',
      'a11y',
      '--profile',
      profile,
      '--json',
      '--timeout',
      '30s',
      '--data',
      path.join(import.meta.dirname, '../data/conformance'),
      ...cases.map(urlOf),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const doc = JSON.parse(line) as {
        url: string;
        a11y: { violations: { ruleId: string }[]; error?: string };
      };
      out.set(doc.url, new Set(doc.a11y.violations.map((v) => v.ruleId)));
    }
  });
  await new Promise((resolve) => child.on('close', resolve));
  return out;
}

async function plainAxe(): Promise<Map<string, Set<string>>> {
  const source = readFileSync(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  const executablePath = await chromiumExecutable();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  });
  const out = new Map<string, Set<string>>();
  try {
    for (const c of cases) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(urlOf(c), { timeout: 30_000 });
        await page.addScriptTag({ content: source });
        const ids = await page.evaluate(
          async (tags) => {
            const axe = (
              globalThis as unknown as {
                axe: { run: (o: unknown) => Promise<{ violations: { id: string }[] }> };
              }
            ).axe;
            const r = await axe.run({ runOnly: { type: 'tag', values: tags } });
            return r.violations.map((v) => v.id);
          },
          [...PROFILES[profile]],
        );
        out.set(urlOf(c), new Set(ids));
      } catch {
        out.set(urlOf(c), new Set(['<error>']));
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

const t0 = performance.now();
const ours = await ozgwatchScan();
const t1 = performance.now();
const plain = await plainAxe();
const t2 = performance.now();
server.close();

let oursCorrect = 0;
let plainCorrect = 0;
const differ: string[] = [];
for (const c of cases) {
  const o = agrees(c, ours.get(urlOf(c)) ?? new Set(['<missing>']));
  const p = agrees(c, plain.get(urlOf(c)) ?? new Set(['<missing>']));
  if (o) oursCorrect++;
  if (p) plainCorrect++;
  if (o !== p)
    differ.push(
      `${c.file} (${c.expected}, ${c.axeRuleIds.join('/')}): ozgwatch ${o ? 'agrees' : 'disagrees'}, plain axe ${p ? 'agrees' : 'disagrees'}`,
    );
}
const baseline = JSON.parse(readFileSync(path.join(root, 'baseline-mapped.json'), 'utf8')) as {
  summary: { correct: number; total: number };
};
process.stdout.write(
  [
    `W3C ACT rules test cases: ${cases.length} pages, profile ${profile}`,
    `  ozgwatch scan --checks a11y: ${oursCorrect}/${cases.length} agree with the W3C expectation (${((t1 - t0) / 1000).toFixed(0)} s)`,
    `  plain axe-core, same tags:   ${plainCorrect}/${cases.length} (${((t2 - t1) / 1000).toFixed(0)} s)`,
    `  (shipped baseline, plain axe with exactly the mapped rules: ${baseline.summary.correct}/${baseline.summary.total})`,
    differ.length === 0
      ? '  ozgwatch and plain axe agree case by case'
      : `  cases where they differ (${differ.length}):`,
    ...differ.map((d) => `    ${d}`),
    '',
  ].join('\n'),
);
