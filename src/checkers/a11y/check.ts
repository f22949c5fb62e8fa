import type { A11yPage, Outcome } from '../../results/result.ts';
import type { Checker, CheckContext } from '../checker.ts';
import { installGuard } from '../browser/guard.ts';
import { AXE_VERSION, scanPage } from './axe.ts';
import { summarise } from './summary.ts';
import { a11ySpecSchema, type A11ySpec } from './spec.ts';

export const a11yChecker: Checker<A11ySpec> = {
  kind: 'a11y',
  spec: a11ySpecSchema,
  // Shares the browser's pool: a scan is a browser context like a journey.
  pool: 'browser',
  concurrency: 2,
  check: checkA11y,
};

/**
 * Scans each URL with axe-core in one fresh browser context. Violations make the run
 * `fail` (reason `a11y_violations`); a page that does not load fails the run too, and
 * the pages after it are still scanned.
 */
export async function checkA11y(ctx: CheckContext, spec: A11ySpec): Promise<Outcome> {
  if (!ctx.browser) {
    return {
      status: 'error',
      reason: 'internal',
      message: 'no browser configured',
      assertions: [],
    };
  }
  const lease = await ctx.browser.lease({ userAgent: ctx.userAgent, locale: 'de-DE' });
  const closeOnAbort = (): void => void lease.context.close().catch(() => undefined);
  ctx.signal.addEventListener('abort', closeOnAbort, { once: true });
  const pages: A11yPage[] = [];
  try {
    await installGuard(lease.context, [], ctx.hosts, ctx.signal);
    for (const url of spec.urls) {
      ctx.signal.throwIfAborted();
      try {
        const response = await lease.page.goto(url, {
          waitUntil: spec.waitUntil,
          timeout: spec.pageTimeout,
        });
        const status = response?.status() ?? 0;
        if (status >= 400) {
          pages.push({
            url,
            seconds: 0,
            violations: [],
            incomplete: [],
            error: `status ${status}`,
          });
          continue;
        }
        pages.push(
          await scanPage(lease.page, {
            profile: spec.profile,
            bestPractice: spec.bestPractice,
            include: spec.include,
            exclude: spec.exclude,
            disabledRules: spec.disableRules.map((r) => r.id),
          }),
        );
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        pages.push({ url, seconds: 0, violations: [], incomplete: [], error: firstLine(error) });
      }
    }
  } finally {
    ctx.signal.removeEventListener('abort', closeOnAbort);
    await lease.release();
  }
  const report = {
    engine: { name: 'axe-core' as const, version: AXE_VERSION },
    profile: spec.profile,
    pages,
  };
  const summary = summarise(report);
  const failedPages = pages.filter((p) => p.error !== undefined);
  const base = { assertions: [], a11y: report };
  if (failedPages.length > 0) {
    return {
      status: 'fail',
      reason: 'navigation_timeout',
      message: `${failedPages.length} of ${pages.length} page(s) not scanned: ${failedPages[0]?.url} (${failedPages[0]?.error})`,
      ...base,
    };
  }
  if (summary.violations > 0) {
    return {
      status: 'fail',
      reason: 'a11y_violations',
      message: `${summary.violations} violation(s) of ${summary.rules.length} rule(s) on ${pages.length} page(s) (${summary.rules.slice(0, 5).join(', ')}); ${summary.incomplete} to review`,
      ...base,
    };
  }
  return {
    status: 'pass',
    message: `no violations on ${pages.length} page(s); ${summary.incomplete} to review`,
    ...base,
  };
}

function firstLine(error: unknown): string {
  return ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').slice(
    0,
    300,
  );
}
