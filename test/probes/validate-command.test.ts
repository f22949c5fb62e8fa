import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

/**
 * `ozgwatch validate` and the hint of `ozgwatch run`, as a person types them: the paths the
 * diagnostics print must be usable as they are (relative to the working directory, once).
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-validate-'));
  await writeFile(path.join(dir, 'README.md'), '# not a folder\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { cwd: dir });

describe('ozgwatch validate', () => {
  it('names a missing probes folder, or a file given instead of one, once', async () => {
    const missing = await cli(['validate', '--probes', 't/nonexistent']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('t/nonexistent: probes folder does not exist');
    const file = await cli(['validate', '--probes', 'README.md']);
    expect(file.code).toBe(1);
    expect(file.stderr.split('\n')[0]).toBe('README.md: probes path is not a folder');
  });

  it('reports a problem of a folder default once, at the defaults file', async () => {
    const fixture = path.join(import.meta.dirname, '../fixtures/validation/defaults-checked-once');
    const r = await cli(['validate', '--probes', path.relative(dir, fixture)]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^3 problem\(s\) in /);
    expect(lines.slice(0, 3).map((l) => /sub\/defaults\.yaml:\d+:\d+: \S+/.exec(l)?.[0])).toEqual([
      'sub/defaults.yaml:3:3: defaults.evrey:',
      'sub/defaults.yaml:4:3: defaults.timeout:',
      'sub/defaults.yaml:7:15: defaults.http.expect.certExpiresIn:',
    ]);
  });
});

describe('TypeScript probe files', () => {
  it("import defineProbe from 'ozgwatch' as documented, from a folder outside the installation", async () => {
    // As /etc/ozgwatch/probes in the image: no node_modules that would hold ozgwatch.
    const folder = path.join(dir, 'etc-probes');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'kfz.probe.ts'),
      `import { defineProbe } from 'ozgwatch';
export default defineProbe({ id: 'kfz-ts', name: 'Kfz', kind: 'http', every: '2m', labels: { service: 'kfz' }, http: { url: 'https://kfz.example.de/' } });
`,
    );
    const r = await cli(['validate', '--probes', 'etc-probes']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '1 probe in 1 file: valid\n', '']);
  });
});

describe('problems of the folder and of flags, in every command', () => {
  it('run names the missing folder, --port names itself, scan refuses a timeout below the floor', async () => {
    const run = await cli(['run', 'kfz', '--probes', 't/nonexistent']);
    expect([run.code, run.stderr]).toEqual([1, 't/nonexistent: probes folder does not exist\n']);
    const port = await cli(['serve', '--port', 'abc']);
    expect([port.code, port.stderr]).toEqual([
      1,
      '--port: server.port: expected a number, got "abc"\n',
    ]);
    // An option another command takes is no silent no-op here.
    const misplaced = await cli(['validate', '--port', '1']);
    expect([misplaced.code, misplaced.stderr.split('\n')[0]]).toEqual([
      2,
      'option --port does not apply to validate',
    ]);
    const scan = await cli(['scan', '--timeout', '50ms', 'http://127.0.0.1:9/']);
    expect([scan.code, scan.stderr]).toEqual([
      2,
      'ozgwatch scan: --timeout 50ms is below the minimum of 100ms\n',
    ]);
  });
});

describe('ozgwatch run without a probe id', () => {
  it('says where the ids are, instead of pointing at validate (which only counts)', async () => {
    const r = await cli(['run', '--probes', 'landkreis']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ozgwatch run: name at least one probe id (the id: of a probe in the files under landkreis)\n',
    );
  });
});

describe('a TypeScript probe file that cannot be imported', () => {
  // In the real CLI, as Node loads it (its own type stripping, not the test runner's):
  // the operator is sent to the line to change, as for YAML.
  it('names the line and column of a syntax error', async () => {
    const folder = path.join(dir, 'ts-syntax');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'kfz.probe.ts'),
      `import { defineProbe } from 'ozgwatch';
export default defineProbe({
  id: 'kfz-ts',
  name: 'Kfz'
  kind: 'http',
  labels: { service: 'kfz' },
  http: { url: 'https://kfz.example.de/' },
});
`,
    );
    const r = await cli(['validate', '--probes', 'ts-syntax']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^ts-syntax\/kfz\.probe\.ts:5:3: cannot load module: /);
  });

  it('names the line of the probe file where an error was thrown while it ran', async () => {
    const folder = path.join(dir, 'ts-throws');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'helper.ts'),
      `export function fail(): never {\n  throw new Error('KFZ_URL is not set');\n}\n`,
    );
    await writeFile(
      path.join(folder, 'kfz.probe.ts'),
      `import { fail } from './helper.ts';
const url = process.env.OZGWATCH_TEST_UNSET_URL ?? fail();
export default { id: 'kfz-ts', name: 'Kfz', kind: 'http', labels: { service: 'kfz' }, http: { url } };
`,
    );
    const r = await cli(['validate', '--probes', 'ts-throws']);
    expect(r.code).toBe(1);
    // The frame in helper.ts comes first in the stack; the probe file's own line is the one named.
    expect(r.stderr.split('\n')[0]).toBe(
      'ts-throws/kfz.probe.ts:2:52: cannot load module: KFZ_URL is not set',
    );
  });
});

describe('a probe that reads a variable the environment does not set', () => {
  it('is valid, with a note naming the probe, its line and the variable', async () => {
    const folder = path.join(dir, 'secrets');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'hunde.yaml'),
      `- id: hundesteuer
  name: Hundesteuer
  kind: http
  labels: { service: hundesteuer }
  http:
    url: https://hunde.example.de/api
    headers: { authorization: 'Bearer \${env:OZGWATCH_TEST_HUNDE_TOKEN}' }
`,
    );
    const r = await cli(['validate', '--probes', 'secrets']);
    expect([r.code, r.stdout]).toEqual([0, '1 probe in 1 file: valid\n']);
    expect(r.stderr).toBe(
      'note: hundesteuer (secrets/hunde.yaml:1) reads ${env:OZGWATCH_TEST_HUNDE_TOKEN}, not set in this environment: its runs end error (secret_missing) without sending anything\n',
    );
    const set = await runCli(['validate', '--probes', 'secrets'], {
      cwd: dir,
      env: { OZGWATCH_TEST_HUNDE_TOKEN: 'token-of-the-test-system' },
    });
    expect([set.code, set.stderr]).toEqual([0, '']);
  });
});
