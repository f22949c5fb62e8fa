import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { formatDiagnostic } from '../../src/probes/diagnostics.ts';
import { loadProbes } from '../../src/probes/loader.ts';

/**
 * A fresh probes folder per test: `load` writes the files into it and reads them back as
 * the loader does, with each diagnostic formatted as `ozgwatch validate` prints it.
 */
export function probeFolder() {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-probes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    async load(files: Record<string, string>) {
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), text);
      }
      const set = await loadProbes(dir);
      return { ...set, lines: set.diagnostics.map((d) => formatDiagnostic(d)) };
    },
    async remove(file: string) {
      await rm(path.join(dir, file));
    },
  };
}

/** The first lines of an http probe, up to its `http:` block. */
export const head = `- id: kfz
  name: Kfz-Zulassung
  kind: http
  labels: { service: kfz }
`;
