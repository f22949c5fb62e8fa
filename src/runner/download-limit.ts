import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Chromium writes a download to `<guid>.crdownload` and renames it when it is complete. */
const IN_PROGRESS = /^([0-9a-f-]{36})\.crdownload$/i;

export interface DownloadLimitOptions {
  /** The browser's download folder (Playwright's `downloadsPath`). */
  dir: string;
  maxBytes: number;
  /** Cancels the download with this GUID in whichever context has it. */
  cancel: (guid: string) => Promise<void>;
}

/**
 * Cancels every download of a browser as soon as its file grows past `maxBytes`.
 *
 * Playwright shows neither the size nor the progress of a download, and Chromium's own
 * progress events come every half second: 362 MB had arrived from 127.0.0.1 before the
 * first. The folder's change events come with each write Chromium makes, so the file is
 * looked at while it grows, whichever page or popup started it.
 */
export function limitDownloads(options: DownloadLimitOptions): { close(): void } {
  const cut = new Set<string>();
  /** GUIDs being looked at, and whether the file changed again meanwhile. */
  const looking = new Map<string, boolean>();

  const look = (guid: string, file: string): void => {
    looking.set(guid, false);
    stat(file)
      .then(async ({ size }) => {
        if (size <= options.maxBytes || cut.has(guid)) return;
        cut.add(guid);
        await options.cancel(guid);
      })
      // Gone: completed (renamed), cancelled or deleted with its context.
      .catch(() => undefined)
      .finally(() => {
        const changed = looking.get(guid);
        looking.delete(guid);
        if (changed && !cut.has(guid)) look(guid, file);
      });
  };

  const watcher = watch(options.dir, (_event, name) => {
    const guid = name ? IN_PROGRESS.exec(name)?.[1] : undefined;
    if (guid === undefined || cut.has(guid)) return;
    if (looking.has(guid)) looking.set(guid, true);
    else look(guid, path.join(options.dir, name!));
  });
  // The folder goes with the browser; a watch error must not take the daemon with it.
  watcher.on('error', () => undefined);
  return { close: () => watcher.close() };
}
