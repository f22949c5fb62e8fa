import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { isCatalogued, METRICS, specOf } from '../../src/metrics/catalogue.ts';
import {
  DOC_COLUMNS,
  DOC_END,
  DOC_START,
  metricRow,
  renderCatalogueTables,
} from '../../src/metrics/docs.ts';
import { fixtureMetrics, isDefaultMetric } from './exposition-fixture.ts';
import { types } from './helpers.ts';

/**
 * Code and `docs/metrics.md` must agree. The tables between the markers are generated
 * from the catalogue; `UPDATE_GOLDEN=1 npx vitest run test/metrics` rewrites them.
 */
const DOC = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));

function generatedPart(doc: string): string {
  const start = doc.indexOf(DOC_START);
  const end = doc.indexOf(DOC_END);
  if (start < 0 || end < start) throw new Error(`docs/metrics.md lacks the markers ${DOC_START}`);
  return doc.slice(start + DOC_START.length, end);
}

/** Table rows (cells trimmed), header and separator rows left out. */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    )
    .filter((cells) => cells[0] !== DOC_COLUMNS[0] && !/^:?-+:?$/.test(cells[0] ?? ''));
}

async function updateDoc(): Promise<void> {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(DOC_START) + DOC_START.length;
  const end = doc.indexOf(DOC_END);
  const next = `${doc.slice(0, start)}\n\n${renderCatalogueTables()}\n\n${doc.slice(end)}`;
  const options = (await resolveConfig(DOC)) ?? {};
  writeFileSync(DOC, await format(next, { ...options, filepath: DOC }));
}

describe('metric catalogue', () => {
  it('docs/metrics.md has the generated tables', async () => {
    if (process.env.UPDATE_GOLDEN === '1') await updateDoc();
    const documented = tableRows(generatedPart(readFileSync(DOC, 'utf8')));
    expect(documented).toEqual(tableRows(renderCatalogueTables()));
  });

  it('documents every catalogued metric with its type and labels', () => {
    const documented = new Map(
      tableRows(generatedPart(readFileSync(DOC, 'utf8'))).map((cells) => [cells[0], cells]),
    );
    for (const spec of METRICS) {
      const row = documented.get(`\`${spec.name}\``);
      expect(row, `${spec.name} is not documented`).toBeDefined();
      const [, type, labels] = metricRow(spec);
      expect(row?.[1], `type of ${spec.name}`).toBe(type);
      expect(row?.[2], `labels of ${spec.name}`).toBe(labels);
    }
  });

  it('every metric name mentioned in docs/metrics.md is catalogued', () => {
    const doc = readFileSync(DOC, 'utf8');
    const mentioned = new Set(
      [...doc.matchAll(/\b(?:probe|ozgwatch)_[a-z0-9_]*[a-z0-9]\b/g)].map((m) => m[0]),
    );
    expect(mentioned.size).toBeGreaterThan(METRICS.length - 1);
    expect([...mentioned].filter((name) => !isCatalogued(name))).toEqual([]);
  });

  it('every family in a real exposition is catalogued, with the catalogued type', async () => {
    const exposed = types(await fixtureMetrics().render());
    for (const [name, type] of exposed) {
      if (isDefaultMetric(name)) continue;
      expect(specOf(name)?.type, `${name} is exported but not catalogued`).toBe(type);
    }
    // And the fixture exercises every catalogued family.
    expect(METRICS.map((m) => m.name).filter((n) => !exposed.has(n))).toEqual([]);
  });

  it('names follow Prometheus conventions', () => {
    for (const spec of METRICS) {
      expect(spec.name).toMatch(/^[a-z][a-z0-9_]*$/);
      if (spec.type === 'counter') expect(spec.name).toMatch(/_total$/);
      else expect(spec.name).not.toMatch(/_total$/);
      expect(spec.help).not.toMatch(/\n/);
      // Base units only.
      expect(spec.name).not.toMatch(/_(ms|milliseconds|minutes|hours|days|kb|mb)(_|$)/);
    }
  });
});
