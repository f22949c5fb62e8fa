/**
 * The benchmark's target: a county start page served by a separate process, so that
 * its CPU is not counted as ozgwatch's (or blackbox_exporter's). Prints its URL on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const section = (i: number): string =>
  `<section><h2>Leistung ${i}</h2><p>Beantragen Sie die Leistung ${i} bequem online über service-bw. ` +
  `Sie benötigen einen Personalausweis mit Online-Ausweisfunktion.</p><a href="/leistung/${i}">Online-Antrag</a></section>`;
const page = Buffer.from(
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Landratsamt Musterkreis – Startseite</title></head>` +
    `<body><header><nav><a href="/">Startseite</a></nav></header><main><h1>Willkommen im Landkreis Musterkreis</h1>` +
    Array.from({ length: 40 }, (_, i) => section(i)).join('') +
    `</main><footer><a href="/barrierefreiheit">Erklärung zur Barrierefreiheit</a></footer></body></html>`,
);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
  res.end(page);
});
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
