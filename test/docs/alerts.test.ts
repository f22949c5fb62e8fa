/**
 * An on-call engineer paged at night follows the alert's runbook link: every shipped alert
 * needs a row in docs/alerts.md with its severity and a runbook file where runbook_url points.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.join(import.meta.dirname, '../..');
const RUNBOOK_BASE = 'https://github.com/ozgwatch/ozgwatch/blob/main/';

interface Rule {
  alert?: string;
  labels?: { severity?: string };
  annotations?: { runbook_url?: string };
}

describe('shipped alerts', () => {
  const rules = (
    parse(
      readFileSync(path.join(ROOT, 'deploy/prometheus/rules/ozgwatch-alerts.yaml'), 'utf8'),
    ) as { groups: { rules: Rule[] }[] }
  ).groups
    .flatMap((g) => g.rules)
    .filter((r): r is Rule & { alert: string } => r.alert !== undefined);
  const table = readFileSync(path.join(ROOT, 'docs/alerts.md'), 'utf8');

  it('each have a row in docs/alerts.md with their severity, and a runbook file', () => {
    expect(rules.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const rule of rules) {
      const row = table.split('\n').find((l) => l.startsWith(`| \`${rule.alert}\``));
      if (!row) problems.push(`${rule.alert}: no row in docs/alerts.md`);
      else if (row.split('|')[2]?.trim() !== rule.labels?.severity) {
        problems.push(
          `${rule.alert}: severity ${rule.labels?.severity} in the rule, not in the row`,
        );
      }
      const url = rule.annotations?.runbook_url ?? '';
      const file = url.startsWith(RUNBOOK_BASE) ? url.slice(RUNBOOK_BASE.length) : '';
      if (!file || !existsSync(path.join(ROOT, file))) {
        problems.push(`${rule.alert}: runbook_url ${url} is no file of this repository`);
      }
    }
    expect(problems).toEqual([]);
  });
});
