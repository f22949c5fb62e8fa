import { describe, expect, it } from 'vitest';
import { head, probeFolder } from './probe-folder.ts';

/**
 * A `${name}` in a probe without `targets:` is caught when the probes are read, not as a DNS
 * failure at run time.
 */
const folder = probeFolder();

describe('a template variable in a probe without targets', () => {
  it('is an error at its line, naming the variable and saying variables come from targets', async () => {
    const { probes, lines } = await folder.load({
      'p.yaml': `${head}  http:\n    url: 'https://\${slg}.example.de/'\n    headers: { authorization: '\${env:TOKEN}' }\n`,
    });
    expect(probes).toEqual([]);
    expect(lines).toEqual([
      'p.yaml:6:5: [0].http.url: variable ${slg} is not defined: variables come from targets:, and this probe has none; add targets: [{ slg: … }], or write ${env:SLG} for an environment variable',
    ]);
  });

  it('in the id: reported once, as the variable, not also as a malformed id', async () => {
    const { lines } = await folder.load({
      'p.yaml':
        head.replace('id: kfz', 'id: kfz-${slug}') + `  http: { url: https://kfz.example.de/ }\n`,
    });
    expect(lines).toEqual([
      'p.yaml:1:3: [0].id: variable ${slug} is not defined: variables come from targets:, and this probe has none; add targets: [{ slug: … }], or write ${env:SLUG} for an environment variable',
    ]);
  });

  it('a placeholder of neither form is an error at its line, not text sent to the service', async () => {
    const { probes, lines } = await folder.load({
      'p.yaml': `${head}  http:\n    url: https://kfz.example.de/\n    headers: { authorization: 'Bearer \${env.TOKEN}', x-a: '\${ env:A }' }\n`,
    });
    expect(probes).toEqual([]);
    expect(lines).toEqual([
      'p.yaml:7:16: [0].http.headers.authorization: "${env.TOKEN}" is no placeholder: write ${env:NAME} for an environment variable, or ${name} in a probe entry for a variable of its targets:',
      'p.yaml:7:54: [0].http.headers.x-a: "${ env:A }" is no placeholder: write ${env:NAME} for an environment variable, or ${name} in a probe entry for a variable of its targets:',
    ]);
  });

  it('a malformed one keeps a templated probe from loading for every target', async () => {
    const { probes, lines } = await folder.load({
      'p.yaml': `- id: kfz-\${slug}
  name: Kfz \${slug}
  kind: http
  labels: { service: kfz }
  targets: [{ slug: ulm }, { slug: biberach }]
  http: { url: 'https://\${slug}.example.de/', headers: { x-a: '\${env.A}' } }
`,
    });
    expect(probes).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^p\.yaml:6:\d+: \[0\]\.http\.headers\.x-a: "\$\{env\.A\}" is no placeholder/,
    );
  });

  it('in defaults and shared steps, which join a probe after its targets: said at their line', async () => {
    const { lines } = await folder.load({
      'defaults.yaml': `defaults:
  http:
    headers: { x-gemeinde: '\${slug}' }
steps:
  start:
    - goto: 'https://\${slug}.example.de/'
    - goto: 'https://kfz.example.de/\${env.PFAD}'
`,
      'p.yaml': `${head}  http: { url: https://kfz.example.de/ }\n`,
    });
    expect(lines).toEqual([
      "defaults.yaml:3:16: defaults.http.headers.x-gemeinde: variable ${slug} is not filled in here: defaults join a probe after its targets' variables; write it in the probe entry, or write ${env:SLUG} for an environment variable",
      "defaults.yaml:6:7: steps.start[0].goto: variable ${slug} is not filled in here: shared steps join a probe after its targets' variables; write it in the probe entry, or write ${env:SLUG} for an environment variable",
      'defaults.yaml:7:7: steps.start[1].goto: "${env.PFAD}" is no placeholder: write ${env:NAME} for an environment variable, or ${name} in a probe entry for a variable of its targets:',
    ]);
  });

  it('an environment variable alone is no template', async () => {
    const { probes, diagnostics } = await folder.load({
      'p.yaml': `${head}  http:\n    url: https://kfz.example.de/\n    headers: { authorization: 'Bearer \${env:TOKEN}' }\n`,
    });
    expect(diagnostics).toEqual([]);
    expect(probes).toHaveLength(1);
  });
});
