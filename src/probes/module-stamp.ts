import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Modules a probe file may import from beside it: anything Node loads but the probe files themselves. */
const HELPER = /\.(?:[cm]?[jt]s|json)$/;
const PROBE_FILE = /\.probe\.(?:ts|js|mjs)$/;

/**
 * A fingerprint of the helper modules in the probes folder (`common.ts` with a portal's base
 * URL, shared journey steps): the path, size and modification time of each. Node keeps an
 * imported module for good, so a probe file's import of an edited helper would still see the
 * old one; the loader puts this fingerprint into the URL of every probe file and of every
 * module they import from the folder, so that a reload after a helper changed imports them
 * afresh, and a reload after nothing changed reuses them (each import costs memory that is
 * never given back). Hidden entries and `node_modules` are skipped, as the loader skips them.
 */
export async function helperStamp(root: string): Promise<string> {
  const hash = createHash('sha256');
  let helpers = 0;
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // The loader reports a folder it cannot read.
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const file = path.join(rel, e.name);
      if (e.isDirectory()) await walk(file);
      else if (HELPER.test(e.name) && !PROBE_FILE.test(e.name)) {
        const s = await stat(path.join(root, file)).catch(() => undefined);
        if (!s?.isFile()) continue;
        hash.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
        helpers++;
      }
    }
  };
  await walk('');
  return helpers === 0 ? '0' : hash.digest('hex').slice(0, 16);
}
