import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../bin/ozgwatch.js', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));

/** The system's own Node when it is older than ozgwatch needs (Debian 12 ships 20). */
function olderNode(): string | undefined {
  const candidate = '/usr/bin/node';
  if (!existsSync(candidate)) return undefined;
  const v = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout;
  const [major = 0, minor = 0] = v.trim().split('.').map(Number);
  return major < 22 || (major === 22 && minor < 19) ? candidate : undefined;
}
const old = olderNode();

describe('bin/ozgwatch.js', () => {
  it('runs a command on this Node', () => {
    const ran = spawnSync(process.execPath, [LAUNCHER, 'version'], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
    expect(ran.stdout.trim()).toBe(version);
  });

  it.skipIf(!old)(
    'names the Node version it needs on an older Node, instead of a .ts error',
    () => {
      const ran = spawnSync(old!, [LAUNCHER, 'version'], { encoding: 'utf8' });
      expect(ran.status).toBe(1);
      expect(ran.stderr).toContain('ozgwatch needs Node.js 22.19 or newer');
      expect(ran.stderr).toContain(old!);
      expect(ran.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
    },
  );
});
