/**
 * A media-break scan of a typical service page, path-following included: the corpus case
 * with the longest online application, read again and again by the real checker in one
 * running browser, as the daemon does. Median and 90th percentile seconds per scan.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { checkMediaBreaks } from '../src/checkers/media-breaks/check.ts';
import { mediaBreaksSpecSchema } from '../src/checkers/media-breaks/spec.ts';
import { BrowserHost } from '../src/runner/browser-host.ts';
import { HostLimiter } from '../src/runner/host-limiter.ts';

export interface MediaBreakFigures {
  page: string;
  scans: number;
  medianSeconds: number;
  p90Seconds: number;
  pathSteps: number;
  documents: number;
  breaks: string[];
}

const CORPUS = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'media-breaks', 'pages');

/** The case whose application has the most pages (ties: the first by name). */
function typicalCase(): string {
  const cases = readdirSync(CORPUS).sort();
  const pages = (id: string): number => readdirSync(path.join(CORPUS, id)).length;
  return cases.reduce((best, id) => (pages(id) > pages(best) ? id : best), cases[0] as string);
}

export async function mediaBreakScans(
  portalUrl: string,
  scans: number,
): Promise<MediaBreakFigures> {
  const id = process.env.BENCH_MEDIA_CASE ?? typicalCase();
  const logger = pino({ level: 'silent' });
  const host = new BrowserHost({
    args: [],
    restartAfterRuns: 100_000,
    memoryLimitMb: 100_000,
    downloadLimitMb: 20,
    logger,
  });
  const hosts = new HostLimiter(2);
  const spec = mediaBreaksSpecSchema.parse({ url: `${portalUrl}media-breaks/${id}/` });
  const seconds: number[] = [];
  let last: Awaited<ReturnType<typeof checkMediaBreaks>> | undefined;
  try {
    for (let i = -1; i < scans; i++) {
      const t0 = performance.now();
      last = await checkMediaBreaks(
        {
          signal: AbortSignal.timeout(60_000),
          logger,
          userAgent: 'ozgwatch-bench',
          hosts,
          now: Date.now,
          browser: host,
        },
        spec,
      );
      // The first scan launches the browser: a running daemon has it already.
      if (i >= 0) seconds.push((performance.now() - t0) / 1000);
    }
  } finally {
    await host.close();
  }
  seconds.sort((a, b) => a - b);
  const at = (q: number): number =>
    seconds[Math.min(seconds.length - 1, Math.floor(q * seconds.length))] ?? 0;
  return {
    page: id,
    scans: seconds.length,
    medianSeconds: at(0.5),
    p90Seconds: at(0.9),
    pathSteps: last?.mediaBreaks?.path.steps ?? 0,
    documents: last?.mediaBreaks?.documents.length ?? 0,
    breaks: last?.mediaBreaks?.breaks.map((b) => b.kind) ?? [],
  };
}
