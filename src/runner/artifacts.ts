import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Artifact } from '../results/result.ts';

/** The artifact folder of one run: `<root>/<probe>/<run>/`. Created on first write. */
export interface RunArtifacts {
  /** Absolute path for a file of this run (for tools that write themselves, like tracing). */
  path(name: string): Promise<string>;
  /** Writes a file and describes it. */
  write(
    name: string,
    kind: Artifact['kind'],
    contentType: string,
    data: string | Uint8Array,
  ): Promise<Artifact>;
  /** Describes a file some tool wrote at {@link path}. */
  describe(name: string, kind: Artifact['kind'], contentType: string): Promise<Artifact>;
}

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]{0,100}$/;

/**
 * Evidence files of runs under the data folder. Retention removes old runs' folders but
 * keeps the newest folder of each probe, so the last failure stays inspectable however old.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  forRun(probeId: string, runId: string): RunArtifacts {
    const dir = path.join(this.root, probeId, runId);
    const full = async (name: string): Promise<string> => {
      if (!SAFE_NAME.test(name))
        throw new Error(`artifact name ${JSON.stringify(name)} is not safe`);
      await mkdir(dir, { recursive: true });
      return path.join(dir, name);
    };
    const describe = async (
      name: string,
      kind: Artifact['kind'],
      contentType: string,
    ): Promise<Artifact> => ({
      name,
      kind,
      contentType,
      bytes: (await stat(await full(name))).size,
    });
    return {
      path: full,
      describe,
      async write(name, kind, contentType, data) {
        await writeFile(await full(name), data);
        return describe(name, kind, contentType);
      },
    };
  }

  /** Absolute path of a stored artifact, or undefined when the name is not one we could have written. */
  file(probeId: string, runId: string, name: string): string | undefined {
    if (!SAFE_NAME.test(name) || !SAFE_NAME.test(runId) || !/^[a-z0-9-]+$/.test(probeId))
      return undefined;
    return path.join(this.root, probeId, runId, name);
  }

  /** Deletes run folders older than `before` (epoch ms), except the newest of each probe. */
  async prune(before: number): Promise<number> {
    let deleted = 0;
    const probes = await readdir(this.root).catch(() => [] as string[]);
    for (const probe of probes) {
      const runs = await Promise.all(
        (await readdir(path.join(this.root, probe)).catch(() => [] as string[])).map(
          async (run) => ({
            run,
            mtime: (await stat(path.join(this.root, probe, run))).mtimeMs,
          }),
        ),
      );
      runs.sort((a, b) => b.mtime - a.mtime);
      for (const { run, mtime } of runs.slice(1)) {
        if (mtime >= before) continue;
        await rm(path.join(this.root, probe, run), { recursive: true, force: true });
        deleted++;
      }
    }
    return deleted;
  }
}
