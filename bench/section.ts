/**
 * One section of `npm run bench`, in a process of its own so that its memory figures
 * are its own. Prints one JSON line. Usage: node bench/section.ts <section> <targetUrl>
 */
import { blackboxAvailable, blackboxThroughput, ozgwatchThroughput } from './http-throughput.ts';
import { browserCosts, JOURNEY_MODES, journeyThroughput } from './browser-journeys.ts';
import { mediaBreakScans } from './media-breaks.ts';
import { metricsScrape } from './metrics-scrape.ts';
import { reportFigures, reportInDaemon, seedReportStore } from './report.ts';
import { schedulerLag } from './scheduler-lag.ts';
import { scaleStep, type ScaleStep } from './scale.ts';

const [section, target] = process.argv.slice(2);
if (!section || !target) throw new Error('usage: section.ts <section> <targetUrl>');

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const lagSeconds = Number(process.env.BENCH_LAG_SECONDS ?? 75);
const MAX_RUNS = 200_000;

let figures: unknown;
switch (section) {
  case 'throughput':
    figures = await ozgwatchThroughput(target, { concurrency, seconds, maxRuns: MAX_RUNS });
    break;
  case 'blackbox':
    figures = blackboxAvailable()
      ? await blackboxThroughput(target, { concurrency, seconds, maxRuns: MAX_RUNS })
      : null;
    break;
  case 'lag':
    figures = await schedulerLag(target, 5000, lagSeconds);
    break;
  case 'scrape':
    figures = await metricsScrape(10_000, 60);
    break;
  case 'browser-costs':
    figures = await browserCosts(10);
    break;
  case 'journeys': {
    const mode = JOURNEY_MODES.find((m) => m === process.env.BENCH_JOURNEY_MODE);
    if (!mode) throw new Error(`BENCH_JOURNEY_MODE must be one of ${JOURNEY_MODES.join(', ')}`);
    figures = await journeyThroughput(
      target,
      mode,
      Number(process.env.BENCH_JOURNEY_CONTEXTS ?? 1),
      Number(process.env.BENCH_JOURNEY_SECONDS ?? 20),
      2000,
    );
    break;
  }
  case 'media-breaks':
    figures = await mediaBreakScans(target, Number(process.env.BENCH_MEDIA_SCANS ?? 15));
    break;
  case 'report-seed':
    // `target` is the store file here.
    figures = await seedReportStore(target, Number(process.env.BENCH_REPORT_SERVICES ?? 200));
    break;
  case 'report':
    figures = await reportFigures(target, `${target}.out`);
    break;
  case 'report-daemon':
    figures = await reportInDaemon(target, `${target}.daemon-out`);
    break;
  case 'scale':
    figures = await scaleStep(
      JSON.parse(process.env.BENCH_SCALE_STEP ?? '') as ScaleStep,
      {
        target,
        portal: process.env.BENCH_PORTAL_URL ?? '',
        targetPid: Number(process.env.BENCH_TARGET_PID) || undefined,
        portalPid: Number(process.env.BENCH_PORTAL_PID) || undefined,
      },
      Number(process.env.BENCH_SCALE_SECONDS ?? 70),
    );
    break;
  default:
    throw new Error(`unknown section ${section}`);
}
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ figures, maxRssMb })}\n`);
