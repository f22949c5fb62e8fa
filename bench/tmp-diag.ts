import { pino } from 'pino';
import { checkBrowser } from '../src/checkers/browser/journey.ts';
import { browserSpecSchema } from '../src/checkers/browser/spec.ts';
import { BrowserHost } from '../src/runner/browser-host.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';
import { startPortal } from '../test/fixtures/county-portal/index.ts';
const portal = await startPortal();
const logger = pino({ level: 'silent' });
const host = new BrowserHost({ args: [], restartAfterRuns: 1e5, memoryLimitMb: 1e5, logger, prewarm: process.env.PREWARM !== '0' });
const spec = browserSpecSchema.parse({ steps: [
  { name: 'start', goto: `${portal.http}/dienste/wohngeld/` },
  { name: 'antrag-oeffnen', click: { role: 'link', name: 'Online beantragen' } },
  { name: 'formular', expectText: 'Schritt 1 von 2' } ] });
for (let i = 0; i < 12; i++) {
  const t0 = performance.now();
  const out = await checkBrowser({ signal: AbortSignal.timeout(30000), logger, userAgent: 'x', hosts: new HostLimiter(2), now: Date.now, browser: host }, spec);
  if (i >= 2) console.log(out.status, (performance.now() - t0).toFixed(0), out.steps!.map((s) => `${s.name}=${(s.duration * 1000).toFixed(0)}`).join(' '));
}
await host.close(); await portal.close();
