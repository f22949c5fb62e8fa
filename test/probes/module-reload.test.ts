import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * TypeScript probe files that share a helper module (a portal's base URL, a journey's login):
 * a reload after the helper was edited must load what it says now, as it does for an edited
 * probe file, or the daemon would log "loaded" and go on probing the old address.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-module-reload-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const probeFile = (id: string): string => `import { defineProbe } from 'ozgwatch';
import { BASE } from './lib/portal.ts';
export default defineProbe({ id: '${id}', name: '${id}', kind: 'http', every: '1m', labels: { service: 'kfz' }, http: { url: \`\${BASE}/${id}\` } });
`;

async function writeHelper(base: string, second: number): Promise<void> {
  const file = path.join(dir, 'lib/portal.ts');
  await writeFile(file, `export const BASE = '${base}';\n`);
  // Two edits within one clock tick must still count as two versions.
  await utimes(file, second, second);
}

/**
 * Loads the folder twice in one Node process — as the daemon reloads — with `between` run in
 * this process in the middle. A child process, since the test runner imports modules its own
 * way: what counts is Node's module cache, which the daemon has.
 */
async function loadTwice(between: () => Promise<void>): Promise<string[][]> {
  const loader = pathToFileURL(path.join(import.meta.dirname, '../../src/probes/loader.ts')).href;
  const code = `
    const { loadProbes } = await import(${JSON.stringify(loader)});
    const { once } = await import('node:events');
    const urls = async () => {
      const set = await loadProbes(${JSON.stringify(dir)});
      if (set.diagnostics.length > 0) throw new Error(JSON.stringify(set.diagnostics));
      return set.probes.map((p) => p.probe.http.url).sort();
    };
    process.stdout.write(JSON.stringify(await urls()) + '\\n');
    await once(process.stdin, 'data');
    process.stdout.write(JSON.stringify(await urls()) + '\\n');
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code]);
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const lines: string[][] = [];
  const done = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const complete = out.split('\n');
      out = complete.pop() ?? '';
      for (const l of complete) {
        lines.push(JSON.parse(l) as string[]);
        if (lines.length === 1) void between().then(() => child.stdin.write('go\n'));
      }
    });
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
  await done;
  return lines;
}

describe('a helper module of TypeScript probes', () => {
  it('is read afresh by the reload after it changed, for every probe file that imports it', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'lib'));
    await writeHelper('https://alt.example.de', 1_000_000);
    await writeFile(path.join(dir, 'kfz.probe.ts'), probeFile('kfz'));
    await writeFile(path.join(dir, 'wohngeld.probe.ts'), probeFile('wohngeld'));
    const [before, after] = await loadTwice(() => writeHelper('https://neu.example.de', 2_000_000));
    expect(before).toEqual(['https://alt.example.de/kfz', 'https://alt.example.de/wohngeld']);
    expect(after).toEqual(['https://neu.example.de/kfz', 'https://neu.example.de/wohngeld']);
  }, 20_000);

  it('is not imported again by a reload when nothing changed', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'lib'));
    // Each evaluation of the helper appends a line: a module imported again is memory kept.
    await writeFile(
      path.join(dir, 'lib/portal.ts'),
      `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(path.join(dir, 'evaluated.txt'))}, 'x');\nexport const BASE = 'https://alt.example.de';\n`,
    );
    await writeFile(path.join(dir, 'kfz.probe.ts'), probeFile('kfz'));
    await loadTwice(async () => {});
    expect(await readFile(path.join(dir, 'evaluated.txt'), 'utf8')).toBe('x');
  });
});
