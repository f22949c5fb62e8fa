import { readFile, stat } from 'node:fs/promises';

const cache = new Map<string, { mtimeMs: number; pem: string }>();

/**
 * Reads a PEM bundle of extra trusted CAs (the internal CA of a state IT provider,
 * say). Cached by path and modification time: a rotated file is picked up without
 * a restart, an unchanged one is not re-read on every run.
 */
export async function loadCa(path: string): Promise<string> {
  const { mtimeMs } = await stat(path);
  const cached = cache.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached.pem;
  const pem = await readFile(path, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`caFile ${path} holds no PEM certificate`);
  }
  cache.set(path, { mtimeMs, pem });
  return pem;
}
