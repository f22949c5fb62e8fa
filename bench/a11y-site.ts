/**
 * A 20-page county site for the accessibility benchmark, in a process of its own: each
 * page about 300 elements (navigation, article, a form, a table, images — some without
 * alt, some low-contrast text), as real service pages are. Prints its URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

function page(n: number): string {
  const nav = Array.from(
    { length: 30 },
    (_, i) => `<li><a href="/seite/${i % 20}">Leistung ${i}</a></li>`,
  ).join('');
  const sections = Array.from(
    { length: 12 },
    (_, i) =>
      `<section><h2>Abschnitt ${i}</h2><p>Für die Leistung ${n}.${i} benötigen Sie einen Personalausweis und einen Nachweis über Ihren Wohnsitz. Die Gebühr beträgt ${i * 5} Euro.</p>` +
      `<p style="color:${i % 4 === 0 ? '#aaa' : '#222'}">Hinweis ${i}: Termine nach Vereinbarung.</p>` +
      `<img src="/bild/${i}.png" ${i % 3 === 0 ? '' : `alt="Symbolbild ${i}"`} width="40" height="40">` +
      `<ul><li>Unterlage A</li><li>Unterlage B</li><li><a href="/formular/${i}.pdf">Formular ${i} (PDF)</a></li></ul></section>`,
  ).join('');
  const rows = Array.from(
    { length: 10 },
    (_, i) => `<tr><td>Gebühr ${i}</td><td>${i * 10} €</td></tr>`,
  ).join('');
  const form = Array.from(
    { length: 8 },
    (_, i) => `<p><label for="f${i}">Feld ${i}</label><input id="f${i}" name="f${i}"></p>`,
  ).join('');
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Leistung ${n} – Landkreis Musterkreis</title></head>
<body><header><nav><ul>${nav}</ul></nav></header><main><h1>Leistung ${n}</h1>${sections}
<table><caption>Gebühren</caption><thead><tr><th>Art</th><th>Betrag</th></tr></thead><tbody>${rows}</tbody></table>
<form action="/suche">${form}<button type="submit">Suchen</button><button type="button"><svg width="10" height="10"></svg></button></form></main>
<footer><a href="/barrierefreiheit">Erklärung zur Barrierefreiheit</a></footer></body></html>`;
}

const server = createServer((req, res) => {
  const m = /^\/seite\/(\d+)$/.exec(req.url ?? '');
  if (!m) return void res.writeHead(404, { 'content-length': '0' }).end();
  const body = page(Number(m[1]));
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
