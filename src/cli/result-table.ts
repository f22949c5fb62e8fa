import { printable } from '../log/terminal-text.ts';
import type { Result } from '../results/result.ts';

const SYMBOL: Record<string, string> = { pass: '✓', degraded: '~', fail: '✗', error: '!' };

/** A table of results for a terminal, one row per run. */
export function formatResultTable(rows: { label: string; result: Result }[]): string {
  const header = ['', 'probe', 'status', 'reason', 'time', 'message'];
  const body = rows.map(({ label, result }) => [
    SYMBOL[result.status] ?? '?',
    printable(label),
    result.status,
    result.reason ?? '',
    `${(result.duration * 1000).toFixed(0)} ms`,
    printable(result.message),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...body.map(line)];
  for (const { label, result } of rows) {
    const failed = result.assertions.filter((a) => !a.ok);
    const blocked = result.blockedRequests ?? [];
    const warnings = result.warnings ?? [];
    if (
      failed.length === 0 &&
      !result.phases &&
      !result.steps &&
      !result.a11y &&
      blocked.length === 0 &&
      warnings.length === 0
    ) {
      continue;
    }
    out.push('', `${printable(label)}:`);
    if (result.steps) out.push(...stepLines(result));
    if (result.a11y) out.push(...a11yLines(result));
    // A journey lists them under its steps; a page-reading check has no steps to list.
    if (!result.steps) out.push(...blockedLines(result));
    for (const w of warnings) out.push(`  ! ${printable(w)}`);
    if (result.phases) {
      const p = result.phases;
      const ms = (s: number): string => `${(s * 1000).toFixed(1)}ms`;
      out.push(
        `  phases  resolve ${ms(p.resolve)}  connect ${ms(p.connect)}  tls ${ms(p.tls)}  processing ${ms(p.processing)}  transfer ${ms(p.transfer)}`,
      );
    }
    for (const a of result.assertions) out.push(`  ${a.ok ? '✓' : '✗'} ${printable(a.text)}`);
  }
  return out.join('\n');
}

const STEP_SYMBOL: Record<string, string> = { pass: '✓', fail: '✗', skipped: '·' };

/** The steps of a journey, aligned, then what was blocked and where the evidence is. */
function stepLines(result: Result): string[] {
  const steps = result.steps ?? [];
  const nameWidth = Math.max(4, ...steps.map((s) => printable(s.name).length));
  const actionWidth = Math.max(6, ...steps.map((s) => s.action.length));
  const lines = steps.map((s) => {
    const time = s.status === 'skipped' ? '' : `${(s.duration * 1000).toFixed(0)} ms`;
    const detail =
      s.status === 'fail'
        ? printable(s.error ?? '')
        : s.httpStatus
          ? `${s.httpStatus} ${printable(s.url ?? '')}`
          : '';
    return `  ${STEP_SYMBOL[s.status] ?? '?'} ${printable(s.name).padEnd(nameWidth)}  ${s.action.padEnd(actionWidth)}  ${time.padStart(8)}  ${detail}`.trimEnd();
  });
  lines.push(...blockedLines(result));
  if (result.artifacts && result.artifacts.length > 0) {
    lines.push(
      `  evidence: ${result.artifacts.map((a) => a.name).join(', ')} (in the data folder, artifacts/${result.probeId}/${result.runId}/)`,
    );
  }
  return lines;
}

/**
 * What the request guard held back, one line each. A journey's entry names its step; a
 * page-reading check's (accessibility, BITV, media breaks) names the page it came from.
 */
function blockedLines(result: Result): string[] {
  const where = (step: string): string =>
    step === '' ? '' : result.steps ? ` (step ${printable(step)})` : ` (page ${printable(step)})`;
  return (result.blockedRequests ?? []).map(
    (b) => `  blocked ${printable(b.method)} ${printable(b.url)}${where(b.step)}`,
  );
}

/** Per page: each violated rule with impact and count; then what needs review. */
function a11yLines(result: Result): string[] {
  const lines: string[] = [];
  for (const page of result.a11y?.pages ?? []) {
    lines.push(
      `  ${printable(page.url)}${page.error ? `  not scanned: ${printable(page.error)}` : ''}`,
    );
    for (const v of page.violations) {
      lines.push(
        `    ✗ ${v.ruleId.padEnd(24)} ${v.impact.padEnd(9)} ${String(v.nodes.length).padStart(3)}×  ${printable(v.help)}`,
      );
    }
    const review = page.incomplete.reduce((n, f) => n + f.nodes.length, 0);
    if (review > 0) lines.push(`    ? ${review} element(s) to review`);
  }
  return lines;
}

/** Exit status for a set of results: any `fail` or `error` is a failure; `degraded` still works. */
export function anyFailed(results: readonly Result[]): boolean {
  return results.some((r) => r.status === 'fail' || r.status === 'error');
}
