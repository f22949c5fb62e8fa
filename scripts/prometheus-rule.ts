/**
 * `npm run rules:kubernetes`: wraps the shipped Prometheus rules (deploy/prometheus/rules)
 * into the PrometheusRule resource of the kustomize base, so that the Prometheus Operator
 * loads the same rules as a plain Prometheus. A test fails when the two differ.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';

const ROOT = path.join(import.meta.dirname, '..');
export const RULES_DIR = path.join(ROOT, 'deploy', 'prometheus', 'rules');
export const RESOURCE = path.join(ROOT, 'deploy', 'kubernetes', 'base', 'prometheusrule.yaml');

/** The PrometheusRule text for the rule files as they are now. */
export async function prometheusRule(): Promise<string> {
  const groups: unknown[] = [];
  for (const file of (await readdir(RULES_DIR)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const doc = parse(await readFile(path.join(RULES_DIR, file), 'utf8')) as { groups: unknown[] };
    groups.push(...doc.groups);
  }
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'ozgwatch' },
    spec: { groups },
  };
  return `# Generated from deploy/prometheus/rules by \`npm run rules:kubernetes\`; do not edit.\n${stringify(resource, { lineWidth: 0 })}`;
}

if (import.meta.main) {
  await writeFile(RESOURCE, await prometheusRule());
  process.stdout.write(`${path.relative(ROOT, RESOURCE)}\n`);
}
