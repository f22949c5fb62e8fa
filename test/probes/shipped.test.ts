/**
 * The probes shipped in `probes/` are what a new user runs first (`npm start`) and copies
 * from: they must load without a problem, be documented, and never change anything on
 * the production services they name. The TypeScript journey is driven against look-alike
 * pages, so a change to the journey API that breaks it fails here, not on a user's machine.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSpec, JourneyFunction } from '../../src/checkers/browser/spec.ts';
import { loadProbes, type ProbeSet } from '../../src/probes/loader.ts';
import { specOf } from '../../src/probes/schema.ts';
import { BrowserHost } from '../../src/runner/browser-host.ts';

const SHIPPED = path.join(import.meta.dirname, '../../probes');

let set: ProbeSet;
beforeAll(async () => {
  set = await loadProbes(SHIPPED);
});

describe('shipped probes', () => {
  it('load without a problem', () => {
    expect(set.diagnostics).toEqual([]);
    expect(set.probes.length).toBeGreaterThan(5);
  });

  it('are each described in probes/README.md', async () => {
    const readme = await readFile(path.join(SHIPPED, 'README.md'), 'utf8');
    const undocumented = set.files.filter((file) => !readme.includes(`\`${file}\``));
    expect(undocumented).toEqual([]);
  });

  it('only read: no probe allows a request that changes state', () => {
    const allowing = set.probes
      .map((l) => l.probe)
      .filter((p) => p.kind === 'browser' && (specOf(p) as BrowserSpec).allowRequests.length > 0)
      .map((p) => p.id);
    expect(allowing).toEqual([]);
  });

  it('journeys against production start disabled: watch one pass before enabling it', () => {
    const journeys = set.probes.map((l) => l.probe).filter((p) => p.kind === 'browser');
    expect(journeys.map((p) => p.id)).toContain('service-bw-onlineantrag-wohngeld');
    expect(journeys.filter((p) => p.enabled).map((p) => p.id)).toEqual([]);
  });
});

describe('the TypeScript journey, against pages built like service-bw', () => {
  const DESCRIPTION = 'https://www.service-bw.de/zufi/leistungen/6000090?ags=08118048';
  let browser: Browser;
  let journey: JourneyFunction;

  beforeAll(async () => {
    const probe = set.probes.find((l) => l.probe.id === 'service-bw-onlineantrag-wohngeld')!.probe;
    journey = (specOf(probe) as BrowserSpec).journey!;
    const host = new BrowserHost({
      args: [],
      restartAfterRuns: 1,
      memoryLimitMb: 1000,
      downloadLimitMb: 1,
      logger: pino({ level: 'silent' }),
    });
    browser = await chromium.launch(await host.launchSettings());
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * The description page, rendered by a script as on service-bw, with `entry` as its way
   * to the application; everything else on service-bw and BundID answers with a page
   * naming its address. Nothing leaves the browser.
   */
  async function journeyOn(entry: string): Promise<{ steps: string[]; error?: string }> {
    const context = await browser.newContext();
    const steps: string[] = [];
    try {
      await context.route(/^https:\/\/(www\.service-bw\.de|id\.bund\.de)\//, (route) => {
        const url = route.request().url();
        const body =
          url === DESCRIPTION
            ? `<!doctype html><html lang="de"><title>Wohngeld</title><main></main><script>
                 setTimeout(() => { document.querySelector('main').innerHTML =
                   '<h1>Wohngeld (Mietzuschuss) beantragen</h1>' + ${JSON.stringify(entry)}; }, 200);
               </script>`
            : `<!doctype html><title>${url}</title><h1>${url}</h1>`;
        return route.fulfill({ contentType: 'text/html', body });
      });
      const page: Page = await context.newPage();
      page.setDefaultTimeout(3_000);
      await journey({
        page,
        secret: () => '',
        step: async (name, fn) => {
          const value = await fn();
          steps.push(name);
          return value;
        },
      });
      return { steps };
    } catch (error) {
      return { steps, error: (error as Error).message };
    } finally {
      await context.close();
    }
  }

  it('reaches the application from a link in the same tab', async () => {
    const ran = await journeyOn(
      '<a href="/onlineantraege/onlineantrag?processInstanceId=x">Onlineantrag starten</a>',
    );
    expect(ran).toEqual({ steps: ['leistung', 'onlineantrag-oeffnen'] });
  });

  it('reaches the BundID login from a button that opens a new tab', async () => {
    const ran = await journeyOn(
      `<button onclick="window.open('https://id.bund.de/de/login')">Online beantragen</button>`,
    );
    expect(ran).toEqual({ steps: ['leistung', 'onlineantrag-oeffnen'] });
  });

  it('fails in its second step when the page offers no online application', async () => {
    const ran = await journeyOn('<p>Den Antrag erhalten Sie bei Ihrer Wohngeldbehörde.</p>');
    expect(ran.steps).toEqual(['leistung']);
    expect(ran.error).toMatch(/Timeout/);
  });
});
