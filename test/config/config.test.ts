import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkers } from '../../src/checkers/registry.ts';
import { CONCURRENCY_POOLS, ConfigError, loadConfig } from '../../src/config/config.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fromFile(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(dir, 'ozgwatch.yaml');
  await writeFile(file, yaml);
  return loadConfig({ file, env });
}

describe('configuration for several instances', () => {
  it('takes the PostgreSQL URL from DATABASE_URL and keeps SQLite without it', async () => {
    expect((await loadConfig({ env: {} })).store.url).toBeUndefined();
    const config = await loadConfig({ env: { DATABASE_URL: 'postgres://o:pw@db:5432/ozgwatch' } });
    expect(config.store).toMatchObject({
      url: 'postgres://o:pw@db:5432/ozgwatch',
      bufferLimitMb: 1024,
    });
    await expect(fromFile('store:\n  url: mysql://db/x\n')).rejects.toThrow(
      /ozgwatch\.yaml:2: store\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });

  it('sets the shard from --shard, OZGWATCH_SHARD or the file', async () => {
    expect((await loadConfig({ env: {}, overrides: { shard: '2/5' } })).shard).toEqual({
      index: 2,
      count: 5,
    });
    expect((await loadConfig({ env: { OZGWATCH_SHARD: '0/3' } })).shard).toEqual({
      index: 0,
      count: 3,
    });
    await expect(fromFile('probes: ./p\nshard: 5/5\n')).rejects.toThrow(
      /ozgwatch\.yaml:2: shard: expected INDEX\/COUNT with 0 ≤ INDEX < COUNT/,
    );
  });

  it('derives the shard of a StatefulSet pod from its name and the replica count', async () => {
    const config = await loadConfig({
      env: { OZGWATCH_SHARDS: '3', OZGWATCH_INSTANCE: 'ozgwatch-2' },
    });
    expect(config.shard).toEqual({ index: 2, count: 3 });
    await expect(
      loadConfig({ env: { OZGWATCH_SHARDS: '3', OZGWATCH_INSTANCE: 'monitoring' } }),
    ).rejects.toThrow(ConfigError);
    await expect(fromFile('shards: 4\nshard: 1/3\n')).rejects.toThrow(
      /ozgwatch\.yaml:1: shards: 4 disagrees with shard 1\/3/,
    );
  });

  it('accepts a location that can be a label value, and names the line of a bad one', async () => {
    expect((await loadConfig({ env: { OZGWATCH_LOCATION: 'rz-stuttgart' } })).location).toBe(
      'rz-stuttgart',
    );
    await expect(fromFile('location: "RZ Stuttgart"\n')).rejects.toThrow(
      /ozgwatch\.yaml:1: location: letters, digits/,
    );
  });

  it('takes the external URL of a location’s pages without a trailing slash, and rejects one that is not http(s)', async () => {
    const env = { OZGWATCH_EXTERNAL_URL: 'https://ozgwatch-stuttgart.example.org/' };
    expect((await loadConfig({ env })).server.externalUrl).toBe(
      'https://ozgwatch-stuttgart.example.org',
    );
    expect((await loadConfig({})).server.externalUrl).toBeUndefined();
    await expect(fromFile('server:\n  externalUrl: ozgwatch-stuttgart:9464\n')).rejects.toThrow(
      /ozgwatch\.yaml:2: server\.externalUrl: expected an http/,
    );
  });

  it('reads server.allowedHosts as a list or from OZGWATCH_ALLOWED_HOSTS, and names a URL written there', async () => {
    const env = { OZGWATCH_ALLOWED_HOSTS: 'ozgwatch.lra-musterkreis.de, .intranet.example' };
    expect((await loadConfig({ env })).server.allowedHosts).toEqual([
      'ozgwatch.lra-musterkreis.de',
      '.intranet.example',
    ]);
    expect((await loadConfig({})).server.allowedHosts).toBeUndefined();
    await expect(
      fromFile('server:\n  allowedHosts:\n    - https://ozgwatch.lra-musterkreis.de\n'),
    ).rejects.toThrow(
      /ozgwatch\.yaml:3: server\.allowedHosts\[0\]: expected a host name without scheme/,
    );
  });
});

describe('concurrency limits', () => {
  it('are set per pool; a kind that shares a pool, or a misspelt pool, is an error on its line', async () => {
    const config = await fromFile('concurrency:\n  kinds:\n    browser: 4\n    http: 64\n');
    expect(config.concurrency.kinds).toEqual({ browser: 4, http: 64 });
    await expect(fromFile('concurrency:\n  kinds:\n    htpp: 3\n')).rejects.toThrow(
      'ozgwatch.yaml:3: concurrency.kinds.htpp: unknown pool; did you mean "http"? (pools are http, browser, lighthouse)',
    );
    await expect(fromFile('concurrency:\n  kinds:\n    scanner: 3\n')).rejects.toThrow(
      'ozgwatch.yaml:3: concurrency.kinds.scanner: unknown pool; pools are http, browser, lighthouse',
    );
    await expect(fromFile('concurrency:\n  kinds:\n    http: 8\n    a11y: 1\n')).rejects.toThrow(
      /ozgwatch\.yaml:4: concurrency\.kinds\.a11y: a11y runs share the browser pool/,
    );
    // Every checker draws from a pool the configuration can name.
    for (const checker of checkers) expect(CONCURRENCY_POOLS).toContain(checker.pool);
  });

  it('a token too short says how long it must be', async () => {
    await expect(fromFile('server:\n  token: kurz\n')).rejects.toThrow(
      /ozgwatch\.yaml:2: server\.token: must be at least 16 characters/,
    );
  });
});

describe('configuration errors name where the value was set', () => {
  it('an unknown key is reported at its own line, with its own name as the field and the key meant', async () => {
    await expect(
      fromFile(
        'probes: ./probes\ndataDir: ./data\nserver: { port: 9464 }\ncontakt: mailto:a@b.de\n',
      ),
    ).rejects.toThrow(
      /^\S*ozgwatch\.yaml:4: contakt: unknown key "contakt"; did you mean "contact"\?$/,
    );
    // Nested, and two at once: each at its line; a key like none of the allowed ones gets no guess.
    const error = await fromFile('log:\n  level: info\n  farmat: json\n  colour: true\n').catch(
      (e: unknown) => e as Error,
    );
    expect(
      (error as Error).message.split('\n').map((l) => l.replace(/^.*ozgwatch\.yaml/, '')),
    ).toEqual([
      ':3: log.farmat: unknown key "farmat"; did you mean "format"?',
      ':4: log.colour: unknown key "colour"',
    ]);
    // Case and the German word.
    await expect(fromFile('datadir: ./data\n')).rejects.toThrow(/did you mean "dataDir"\?$/);
    await expect(fromFile('kontakt: mailto:a@b.de\n')).rejects.toThrow(/did you mean "contact"\?$/);
  });

  it('problems are listed in the order of the lines, then those of variables', async () => {
    const error = await fromFile(
      'log:\n  level: loud\nserver:\n  port: abc\ncontact: 7\nprobes: 5\n',
      { OZGWATCH_SHARD: '9/2' },
    ).catch((e: unknown) => e as Error);
    expect(
      (error as Error).message
        .split('\n')
        .map((l) => /^(?:.*ozgwatch\.yaml(:\d+)|(\w+)):/.exec(l)?.slice(1).join('')),
    ).toEqual([':2', ':4', ':5', ':6', 'OZGWATCH_SHARD']);
  });

  it('a bad value from an environment variable names the variable and quotes the value', async () => {
    await expect(loadConfig({ env: { OZGWATCH_PORT: 'abc' } })).rejects.toThrow(
      /^OZGWATCH_PORT: server\.port: expected a number, got "abc"$/,
    );
    await expect(loadConfig({ env: { OZGWATCH_PORT: '70000' } })).rejects.toThrow(
      /^OZGWATCH_PORT: server\.port: must be ≤ 65535$/,
    );
    expect((await loadConfig({ env: { OZGWATCH_PORT: '8080' } })).server.port).toBe(8080);
    await expect(loadConfig({ env: { OZGWATCH_SHARD: '5/5' } })).rejects.toThrow(
      /^OZGWATCH_SHARD: shard: expected INDEX\/COUNT/,
    );
  });

  it('a bad value from a flag names the flag, also when it arrives as NaN', async () => {
    await expect(loadConfig({ env: {}, overrides: { 'server.port': 'abc' } })).rejects.toThrow(
      /^--port: server\.port: expected a number, got "abc"$/,
    );
    // What `Number('abc')` makes of it: no longer "expected number, got number".
    await expect(loadConfig({ env: {}, overrides: { 'server.port': NaN } })).rejects.toThrow(
      /^--port: server\.port: expected a number, got NaN \(not a number\)$/,
    );
    await expect(loadConfig({ env: {}, overrides: { location: 'RZ Stuttgart' } })).rejects.toThrow(
      /^--location: location: letters, digits/,
    );
  });

  it('the flag wins over the variable, and over the file, in the message as in the value', async () => {
    const file = path.join(dir, 'ozgwatch.yaml');
    await writeFile(file, 'server:\n  port: 70000\n');
    await expect(loadConfig({ file, env: {} })).rejects.toThrow(/ozgwatch\.yaml:2: server\.port/);
    await expect(loadConfig({ file, env: { OZGWATCH_PORT: '70001' } })).rejects.toThrow(
      /^OZGWATCH_PORT: server\.port/,
    );
    await expect(
      loadConfig({ file, env: { OZGWATCH_PORT: '70001' }, overrides: { 'server.port': 70002 } }),
    ).rejects.toThrow(/^--port: server\.port/);
  });
});
