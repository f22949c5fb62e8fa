/**
 * Files the server hands out (run evidence, reports) are read only from inside their
 * folder: a name has been checked against a pattern before it gets here, and this is the
 * second line against what a pattern cannot see — a symbolic link in the folder that leads
 * out of it (to the store, to `/etc`), or anything that is not a regular file.
 */
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';

export interface OpenFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens `file` when it is a regular file whose real path lies inside `root`'s real path;
 * undefined otherwise (missing, a folder, a link out, unreadable). The size is the opened
 * file's, so a file swapped after the check is not the one served.
 */
export async function openInside(root: string, file: string): Promise<OpenFile | undefined> {
  const [realRoot, realFile] = await Promise.all([
    realpath(root).catch(() => undefined),
    realpath(file).catch(() => undefined),
  ]);
  if (!realRoot || !realFile || !realFile.startsWith(realRoot + path.sep)) return undefined;
  const handle = await open(realFile, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const st = await handle.stat().catch(() => undefined);
  if (!st?.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, size: st.size };
}

/** Streams an opened file as the body (none for HEAD) and closes it, however the answer ends. */
export function sendFile(res: ServerResponse, file: OpenFile, head: boolean): void {
  if (head) {
    res.end();
    void file.handle.close();
    return;
  }
  // pipeline, not pipe: a client that goes away mid-file also closes the file.
  pipeline(file.handle.createReadStream({ autoClose: true }), res, () => undefined);
}
