import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright';

/**
 * The `ws://127.0.0.1:PORT/devtools/browser/…` address of a Chromium that Playwright launched
 * with `--remote-debugging-port=0`, or undefined without one (another browser, another OS).
 *
 * Playwright talks to its browser over a pipe and keeps the address of the port to itself,
 * and Chromium answers `Browser.getBrowserCommandLine` only with `--enable-automation`, which
 * Playwright leaves out. So the browser's process is asked for its profile folder (Linux's
 * `/proc`), where Chromium writes the port it chose (`DevToolsActivePort`).
 */
export async function devtoolsEndpoint(browser: Browser): Promise<string | undefined> {
  try {
    const session = await browser.newBrowserCDPSession();
    let pid: number | undefined;
    try {
      const info = (await session.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; id: number }[];
      };
      pid = info.processInfo.find((p) => p.type === 'browser')?.id;
    } finally {
      await session.detach().catch(() => undefined);
    }
    if (pid === undefined) return undefined;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const profile = argv.find((a) => a.startsWith('--user-data-dir='))?.slice(16);
    if (!profile) return undefined;
    const [port, where] = (await readFile(path.join(profile, 'DevToolsActivePort'), 'utf8'))
      .trim()
      .split('\n');
    if (!port || !/^\d+$/.test(port) || !where?.startsWith('/devtools/browser/')) return undefined;
    return `ws://127.0.0.1:${port}${where}`;
  } catch {
    return undefined;
  }
}
