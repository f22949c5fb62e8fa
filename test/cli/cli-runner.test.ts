/**
 * `ozgwatch run` and `scan` go through the same outbound proxy as the daemon, so they say
 * so the same way: the daemon's start line, at info.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/cli/cli-runner.ts';
import { configSchema } from '../../src/config/config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-cli-runner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logged(
  proxy: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const config = configSchema.parse({
    probes: dir,
    dataDir: path.join(dir, 'data'),
    ...(proxy ? { proxy } : {}),
  });
  await runOnce(config, [], logger);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('runOnce (ozgwatch run, scan)', () => {
  it('logs the proxy in use at info, without the password', async () => {
    const lines = await logged({
      url: 'http://monitor:geheim@proxy.rz:3128',
      noProxy: ['.intern'],
    });
    const line = lines.find((l) => l.msg === 'outbound proxy in use');
    expect(line).toMatchObject({
      level: 30,
      httpsProxy: 'http://proxy.rz:3128',
      httpsProxyUser: 'monitor',
      noProxy: ['localhost', '127.0.0.0/8', '::1', '.intern'],
    });
    expect(JSON.stringify(lines)).not.toContain('geheim');
  });

  it('says when there is none', async () => {
    const lines = await logged(undefined);
    expect(lines.map((l) => l.msg)).toContain('no outbound proxy');
  });
});
