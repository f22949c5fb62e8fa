/**
 * A scraper in its own process, as Prometheus is: fetches `/metrics` N times with a
 * pause between scrapes and prints one JSON line with the latency of each scrape.
 * The body is counted as bytes, not decoded, so the client's own work stays small.
 * Usage: node bench/scrape-client.ts <url> <scrapes> <pauseMs>
 */
import { get } from 'node:http';

const [url, scrapesArg = '30', pauseArg = '50'] = process.argv.slice(2);
if (!url) throw new Error('usage: scrape-client.ts <url> <scrapes> <pauseMs>');

function scrape(): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    get(url as string, { headers: { accept: 'text/plain;version=0.0.4' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(chunks));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const times: number[] = [];
let bytes = 0;
let series = 0;
for (let s = 0; s < Number(scrapesArg); s++) {
  const t0 = performance.now();
  const chunks = await scrape();
  times.push(performance.now() - t0);
  // Counted after the clock stopped: samples are the lines that do not start with '#'.
  const body = Buffer.concat(chunks);
  bytes = body.length;
  series = 0;
  let lineStart = 0;
  for (let i = body.indexOf(10); i !== -1; lineStart = i + 1, i = body.indexOf(10, lineStart)) {
    if (i > lineStart && body[lineStart] !== 35) series++;
  }
  await new Promise((r) => setTimeout(r, Number(pauseArg)));
}
process.stdout.write(`${JSON.stringify({ times, bytes, series })}\n`);
