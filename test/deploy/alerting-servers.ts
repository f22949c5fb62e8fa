/**
 * What the deploy tests start next to the rules they check: a wait for a server to be ready, a webhook that records what Alertmanager notifies, and Debian's Alertmanager on
 * 127.0.0.1 with a configuration of the test's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startOnFreePort } from '../fixtures/free-port.ts';

export type Labels = Record<string, string>;

/** One alert as Alertmanager's webhook sends it, with the group of the notification it came in. */
export interface Notified {
  labels: Labels;
  status: string;
  groupKey?: string;
}

/** The first value `what` gives that is not undefined, asked every 250 ms for `ms`. */
export async function until<T>(
  what: () => Promise<T | undefined>,
  ms: number,
  label: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${label}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A webhook on 127.0.0.1 that hands every notified alert to `onAlert`. */
export async function startWebhook(
  onAlert: (alert: Notified) => void,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      const payload = JSON.parse(body) as { alerts: Notified[]; groupKey: string };
      for (const alert of payload.alerts) onAlert({ ...alert, groupKey: payload.groupKey });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Debian's Alertmanager with `configFile`, its state in `dir`, alone (no cluster peers), on a
 * free port of 127.0.0.1, once it answers `/-/ready`.
 */
export async function startAlertmanager(
  configFile: string,
  dir: string,
): Promise<{ process: ChildProcess; url: string; port: number }> {
  const { process, port } = await startOnFreePort(
    'prometheus-alertmanager',
    (port) =>
      spawn(
        'prometheus-alertmanager',
        [
          `--config.file=${configFile}`,
          `--storage.path=${path.join(dir, 'am')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        { stdio: 'ignore' },
      ),
    async (port) => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
  );
  return { process, port, url: `http://127.0.0.1:${port}` };
}
