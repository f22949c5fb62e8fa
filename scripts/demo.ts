/**
 * `npm run demo`: the fictional county portal of the test fixtures plus the daemon,
 * watching it with probes that cover healthy pages and each failure mode.
 * Offline; green and red series appear on /metrics within a minute.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { startDaemon } from '../src/main.ts';
import { startPortal, type Portal } from '../test/fixtures/county-portal/index.ts';

const port = Number(process.env.OZGWATCH_PORT ?? 9464);

function demoProbes(portal: Portal): string {
  const probe = (id: string, name: string, http: Record<string, unknown>, extra = ''): string =>
    `- id: ${id}
  name: "${name}"
  kind: http
  every: 15s
  timeout: 5s
  labels: { service: ${id.split('-')[0] ?? 'demo'}, county: musterkreis }
  ags: "08999000"
${extra}  http: ${JSON.stringify({ caFile: portal.caFile, ...http })}
`;
  return [
    probe('portal-home', 'Bürgerservice Startseite', {
      url: `${portal.https}/`,
      expect: { bodyContains: ['Online-Antrag'] },
    }),
    probe('portal-http', 'Startseite über HTTP', { url: `${portal.http}/` }),
    probe('kfz-zulassung', 'Kfz-Zulassung (über Weiterleitungen)', {
      url: `${portal.https}/redirect/2`,
    }),
    probe('hundesteuer', 'Hundesteuer anmelden', { url: `${portal.https}/hundesteuer` }),
    probe('wohngeld-slow', 'Wohngeld (langsam → degraded)', {
      url: `${portal.https}/slow?ms=800`,
      degradedAfter: '500ms',
    }),
    probe('bauantrag-500', 'Bauantrag (HTTP 500)', { url: `${portal.https}/status/500` }),
    probe('meldebescheinigung-404', 'Meldebescheinigung (Soft-404)', {
      url: `${portal.https}/soft-404`,
    }),
    probe('fuehrerschein-wartung', 'Führerschein (Wartungsseite)', {
      url: `${portal.https}/maintenance`,
    }),
    probe('elterngeld-expired', 'Elterngeld (abgelaufenes Zertifikat)', {
      url: `${portal.expired}/`,
    }),
    probe('gewerbe-timeout', 'Gewerbeanmeldung (hängt)', { url: `${portal.https}/hang` }, ''),
    probe('parken-loop', 'Bewohnerparken (Weiterleitungsschleife)', {
      url: `${portal.https}/redirect-loop`,
    }),
  ].join('');
}

const portal = await startPortal();
const dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-demo-'));
await mkdir(path.join(dir, 'probes'));
await writeFile(path.join(dir, 'probes', 'musterkreis.yaml'), demoProbes(portal));

const config = configSchema.parse({
  probes: path.join(dir, 'probes'),
  dataDir: path.join(dir, 'data'),
  server: { port },
  contact: 'https://github.com/ozgwatch/ozgwatch',
  log: { format: 'pretty', level: 'info' },
});
const logger = createLogger({ level: config.log.level, format: config.log.format });
let daemon;
try {
  daemon = await startDaemon(config, { logger });
} catch (error) {
  // A port in use, most likely: say so as `serve` does, and leave nothing behind.
  logger.fatal({ err: error }, `cannot start the demo on port ${port}`);
  await portal.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(1);
}
process.stdout.write(
  `\nDemo running. The fictional county portal is at ${portal.https} (http: ${portal.http}).\n` +
    `Metrics: ${daemon.server.url}/metrics   API: ${daemon.server.url}/api/probes\n` +
    `Every probe runs within 15 s. Press Ctrl-C to stop.\n\n`,
);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await daemon.stop();
  await portal.close();
  await rm(dir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'demo shutdown failed');
        process.exit(1);
      },
    );
  });
}
