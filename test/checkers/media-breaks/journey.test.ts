import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBrowser } from '../../../src/checkers/browser/journey.ts';
import { browserSpecSchema } from '../../../src/checkers/browser/spec.ts';
import { checkMediaBreaks } from '../../../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../../../src/checkers/media-breaks/spec.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
}, 30_000);

afterAll(async () => {
  await world.close();
});

const corpus = (path: string): string => `${world.portal.http}/media-breaks/${path}`;

describe('media breaks in journeys and on the way to them', () => {
  it('scan: [media-breaks] steps read the pages a journey walks; findings do not fail it', async () => {
    const out = await checkBrowser(
      world.context(),
      browserSpecSchema.parse({
        steps: [
          { goto: corpus('hundesteuer-formularassistent-abgabe-rathaus/') },
          { name: 'dienst', scan: ['media-breaks'] },
          { goto: corpus('hundesteuer-formularassistent-abgabe-rathaus/zusammenfassung.html') },
          { name: 'zusammenfassung', scan: ['media-breaks'] },
        ],
      }),
    );
    expect(out.status).toBe('pass');
    expect(out.mediaBreaks?.breaks.map((b) => b.kind)).toEqual([
      'paper-form',
      'handwritten-signature',
      'in-person',
    ]);
    expect(out.mediaBreaks?.pages).toHaveLength(2);
    expect(out.mediaBreaks?.breaks[0]?.evidence.url).toMatch(/zusammenfassung\.html$/);
  }, 30_000);

  it('never sends the application: the walk stops before the form that would POST', async () => {
    const out = await checkMediaBreaks(
      world.context(),
      mediaBreaksSpecSchema.parse({ url: corpus('elterngeld-onlineantrag-ausdrucken/') }),
    );
    expect(out.mediaBreaks?.path).toMatchObject({
      entry: expect.stringMatching(/online/i) as unknown,
      stoppedBecause: 'would-post',
      stoppedAt: expect.stringMatching(/^POST http:.+absenden$/) as unknown,
    });
    expect(out.mediaBreaks?.path.steps).toBeGreaterThanOrEqual(2);
    // The guard would block it anyway; the walk never even tries.
    const sent = [...world.portal.posts().keys()].filter((p) => p.startsWith('/media-breaks/'));
    expect(sent).toEqual([]);
  }, 30_000);

  it('a step limit of 0 reads the service page alone', async () => {
    const out = await checkMediaBreaks(
      world.context(),
      mediaBreaksSpecSchema.parse({
        url: corpus('elterngeld-onlineantrag-ausdrucken/'),
        followSteps: 0,
      }),
    );
    expect(out.mediaBreaks?.path).toMatchObject({ steps: 0, stoppedBecause: 'step-limit' });
    expect(out.mediaBreaks?.pages).toHaveLength(1);
    // The breaks of this service are only on its last page.
    expect(out.mediaBreaks?.breaks).toEqual([]);
  }, 30_000);

  it('an English page is not read with the German lexicon: an error of the probe, no finding', async () => {
    const out = await checkMediaBreaks(
      world.context(),
      mediaBreaksSpecSchema.parse({ url: corpus('english-version-not-read/') }),
    );
    expect(out).toMatchObject({ status: 'error', reason: 'scan_failed' });
    expect(out.message).toMatch(/not written in the lexicon's language \(de\)/);
    expect(out.mediaBreaks).toBeUndefined();
  }, 30_000);

  it('a page that does not load is a failed run with the reason, not a crash', async () => {
    const out = await checkMediaBreaks(
      world.context(),
      mediaBreaksSpecSchema.parse({ url: `${world.portal.http}/status/404` }),
    );
    expect(out).toMatchObject({ status: 'fail', reason: 'http_status' });
  });
});
