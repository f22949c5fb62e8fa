import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

/**
 * Every probe, defaults and settings example of the documentation an operator copies from
 * (README.md, docs/probes.md, docs/configuration.md) loads as written through the real
 * `ozgwatch validate`: an example that drifts from the schema fails here, not in the first
 * hour of someone's installation. The examples are read from the documents themselves, so a
 * new one is checked without anyone listing it.
 */
const ROOT = path.join(import.meta.dirname, '../..');
const DOCUMENTS = ['README.md', 'docs/probes.md', 'docs/configuration.md'];

interface Example {
  where: string;
  lang: 'yaml' | 'ts';
  text: string;
}

async function examples(): Promise<Example[]> {
  const found: Example[] = [];
  for (const doc of DOCUMENTS) {
    const text = await readFile(path.join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/^```(yaml|ts)\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ where: `${doc}:${line}`, lang: m[1] as 'yaml' | 'ts', text: m[2] as string });
    }
  }
  return found;
}

/** The keys of a probe's kind block, and the least a probe of that kind needs besides. */
const KIND_BASE: Record<string, Record<string, unknown>> = {
  http: { url: 'https://www.landkreis-ludwigsburg.de/' },
  browser: { steps: [{ goto: 'https://www.landkreis-ludwigsburg.de/' }] },
  a11y: {},
};
const DEFAULTS_KEYS = new Set(['defaults', 'steps', 'waivers', 'maintenance']);

type Files = Record<string, string>;

/**
 * What to write into a probes folder (and a settings file) for one example, by what it is:
 * a list of probes; a `defaults.yaml`; a part of a probe (its `maintenance:`, or its kind's
 * block), put into the least probe that can hold it; or daemon settings. An example shortened
 * with `# …` gets only what it left out — `name` and `labels` — so that the rest is checked
 * as written. Anything else fails the test: a new kind of example needs a decision here.
 */
function filesFor(example: Example): { probes: Files; config?: string } | 'not ozgwatch' {
  if (example.lang === 'ts') return { probes: { 'example.probe.ts': example.text } };
  if (example.where.startsWith('docs/configuration.md')) {
    return { probes: {}, config: example.text };
  }
  const doc: unknown = parse(example.text);
  if (Array.isArray(doc)) {
    if (!example.text.includes('# …')) return { probes: { 'example.yaml': example.text } };
    const completed = doc.map((p: Record<string, unknown>) => ({
      name: 'Beispiel',
      labels: { service: 'beispiel' },
      ...p,
    }));
    return { probes: { 'example.yaml': stringify(completed) } };
  }
  const keys = Object.keys(doc as Record<string, unknown>);
  // Alertmanager's routing, shown next to the probes it routes.
  if (keys.includes('route')) return 'not ozgwatch';
  const block = doc as Record<string, unknown>;
  const selectorWindows = ((block.maintenance ?? []) as Record<string, unknown>[]).every(
    (w) => 'match' in w,
  );
  if (keys.every((k) => DEFAULTS_KEYS.has(k)) && selectorWindows) {
    return { probes: { 'defaults.yaml': example.text } };
  }
  const kind = keys.find((k) => k in KIND_BASE);
  if (keys.length === 1 && (kind || keys[0] === 'maintenance')) {
    const probeKind = kind ?? 'http';
    const probe = {
      id: 'beispiel',
      name: 'Beispiel',
      kind: probeKind,
      labels: { service: 'beispiel' },
      [probeKind]: { ...KIND_BASE[probeKind], ...(kind ? (block[kind] as object) : {}) },
      ...(kind ? {} : block),
    };
    return { probes: { 'example.yaml': stringify([probe]) } };
  }
  throw new Error(
    `${example.where}: an example of a kind this test does not know (${keys.join(', ')})`,
  );
}

/** The documented `defaults.yaml` with shared steps, which journey examples use by name. */
function sharedSteps(examples: Example[]): string {
  const found = examples.find(
    (e) => e.lang === 'yaml' && /^steps:$/m.test(e.text) && !Array.isArray(parse(e.text)),
  );
  if (!found) throw new Error('no documented defaults.yaml with shared steps');
  return found.text;
}

let dir: string;
let all: Example[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-doc-examples-'));
  all = await examples();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('documented examples', () => {
  it('are found in every document', async () => {
    const docs = new Set(all.map((e) => e.where.split(':')[0]));
    expect([...docs].sort()).toEqual([...DOCUMENTS].sort());
    expect(all.filter((e) => e.lang === 'ts').length).toBeGreaterThanOrEqual(2);
  });

  it('each load through ozgwatch validate without a problem', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [i, example] of all.entries()) {
      const files = filesFor(example);
      if (files === 'not ozgwatch') continue;
      const folder = path.join(dir, String(i));
      await mkdir(folder);
      // A journey that uses shared steps gets them from the documented `defaults.yaml`.
      if (/^\s*- use: /m.test(example.text) && !files.probes['defaults.yaml']) {
        files.probes['defaults.yaml'] = sharedSteps(all);
      }
      for (const [name, text] of Object.entries(files.probes)) {
        await writeFile(path.join(folder, name), text);
      }
      const args = ['validate', '--probes', folder, '--json'];
      if (files.config !== undefined) {
        await writeFile(path.join(dir, `${i}.yaml`), files.config);
        args.push('--config', path.join(dir, `${i}.yaml`));
      }
      const r = await runCli(args, { cwd: dir, env: { OZGWATCH_CONFIG: '' } });
      checked++;
      const report = JSON.parse(r.stdout) as { ok: boolean; diagnostics: unknown[] };
      if (r.code !== 0 || !report.ok) {
        problems.push(`${example.where}: ${JSON.stringify(report.diagnostics)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it('a wrong example fails the check', async () => {
    // The check above is only worth something if a mistake in an example shows.
    const wrong: Example = {
      where: 'docs/probes.md:1',
      lang: 'yaml',
      text: '- id: kfz\n  name: Kfz\n  kind: http\n  intervall: 5m\n  labels: { service: kfz }\n  http: { url: https://kfz.example.de/ }\n',
    };
    const files = filesFor(wrong);
    if (files === 'not ozgwatch') throw new Error('classified as not ozgwatch');
    const folder = path.join(dir, 'wrong');
    await mkdir(folder);
    for (const [name, text] of Object.entries(files.probes)) {
      await writeFile(path.join(folder, name), text);
    }
    const r = await runCli(['validate', '--probes', folder, '--json'], { cwd: dir });
    expect(r.code).toBe(1);
  });
});
