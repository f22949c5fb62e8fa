import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/**
 * A slip at the command line gets the name that was meant, as a typo in a probe file does,
 * with exit code 2 (wrong usage).
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-usage-hints-'));
  await mkdir(path.join(dir, 'probes'));
  await writeFile(
    path.join(dir, 'probes/kfz.yaml'),
    `- id: kfz-zulassung-ludwigsburg
  name: Kfz
  kind: http
  labels: { service: kfz }
  http: { url: 'http://127.0.0.1:9/' }
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { cwd: dir });

describe('usage errors', () => {
  it('an unknown option names the option of the command that was meant', async () => {
    const r = await cli(['validate', '--probs', 'probes']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('unknown option --probs; did you mean --probes?');
  });

  it('an unknown option close to nothing is named alone', async () => {
    const r = await cli(['validate', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('unknown option --verbose');
  });

  it('an unknown command names the command that was meant', async () => {
    const r = await cli(['valdiate']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('unknown command "valdiate"; did you mean "validate"?');
  });

  it('run with an unknown probe id names the id that was meant', async () => {
    const r = await cli(['run', 'kfz-zulassung-ludwigsbrug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ozgwatch run: no probe with id "kfz-zulassung-ludwigsbrug"; did you mean "kfz-zulassung-ludwigsburg"?\n',
    );
  });
});

describe('scan of an address without its scheme', () => {
  it('says how to write it', async () => {
    for (const checks of ['availability', 'a11y']) {
      const r = await cli(['scan', '--checks', checks, 'www.landkreis-ludwigsburg.de/kfz']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'ozgwatch scan: "www.landkreis-ludwigsburg.de/kfz" is not an http:// or https:// URL; write "https://www.landkreis-ludwigsburg.de/kfz"\n',
      );
    }
  });
});
