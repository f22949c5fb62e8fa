import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import type { MediaBreakReport } from '../../../src/results/result.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

/**
 * Corpus pages read by the real checker in Chromium, for what programme managers rely on
 * beyond the set of break kinds the corpus test scores.
 */
let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
}, 30_000);

afterAll(async () => {
  await world.close();
});

async function read(id: string): Promise<MediaBreakReport> {
  const out = await checkMediaBreaks(
    world.context(),
    mediaBreaksSpecSchema.parse({ url: `${world.portal.http}/media-breaks/${id}/` }),
  );
  if (!out.mediaBreaks) throw new Error(`${id}: no report (${out.status}: ${out.message})`);
  return out.mediaBreaks;
}

describe('an online route the page only claims in words', () => {
  it('raises no level: "online mit Ihrer BundID" without a link, button or form stays at 1', async () => {
    const report = await read('hundesteuer-abmeldung-online-nur-text');
    expect(report.signals).toMatchObject({ online: false, onlineText: true });
    expect(report.breaks).toEqual([]);
    expect(report.maturity).toMatchObject({ level: 1, base: 1 });
    expect(report.maturity.because.join('; ')).toMatch(/no link, button or form/);
    expect(report.endToEndDigital).toBe(false);
  }, 30_000);
});
