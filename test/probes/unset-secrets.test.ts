import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';

/**
 * A journey whose test-account password the daemon's environment lacks (a variable left out
 * of the systemd unit or the Secret): the daemon says so when it loads the probes, not only
 * as an error of each probe's first run.
 */
let dir: string;
let daemon: Daemon | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-unset-secrets-'));
  await mkdir(path.join(dir, 'probes'));
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the daemon loading a probe that reads an unset variable', () => {
  it('logs a warning naming the probe, its line and the variable', async () => {
    await writeFile(
      path.join(dir, 'probes/wohngeld.yaml'),
      `- id: wohngeld
  name: Wohngeld
  kind: browser
  every: 1h
  labels: { service: wohngeld }
  browser:
    steps:
      - goto: http://127.0.0.1:9/wohngeld
      - fill: { label: Passwort, value: '\${env:OZGWATCH_TEST_WOHNGELD_PASSWORD}' }
- id: kfz
  name: Kfz
  kind: http
  every: 1h
  labels: { service: kfz }
  http: { url: http://127.0.0.1:9/kfz }
`,
    );
    type Line = { level: number; msg: string; probe?: string; variables?: string[] };
    const lines: Line[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Line);
        done();
      },
    });
    daemon = await startDaemon(
      {
        ...configSchema.parse({
          probes: path.join(dir, 'probes'),
          dataDir: path.join(dir, 'data'),
        }),
        server: { host: '127.0.0.1', port: 0 },
        watch: false,
      },
      { logger: pino({ level: 'warn' }, sink) },
    );
    const warnings = lines.filter((l) => l.level === 40 && l.probe !== undefined);
    expect(warnings).toEqual([
      expect.objectContaining({
        probe: 'wohngeld',
        variables: ['OZGWATCH_TEST_WOHNGELD_PASSWORD'],
        msg: `wohngeld (${path.join(dir, 'probes', 'wohngeld.yaml')}:1) reads \${env:OZGWATCH_TEST_WOHNGELD_PASSWORD}, not set for the daemon: its runs end error (secret_missing) without sending anything`,
      }),
    ]);
  });
});
