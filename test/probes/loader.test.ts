import { mkdtemp, mkdir, writeFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProbes } from '../../src/probes/loader.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-probes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

const kfz = (id: string, extra = ''): string => `
- id: ${id}
  name: Kfz-Zulassung
  kind: http
  labels: { service: kfz }
  http: { url: "https://kfz.example.de/" }
${extra}`;

describe('loadProbes', () => {
  it('applies schema defaults', async () => {
    await write('a.yaml', kfz('kfz'));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    const probe = probes[0]!.probe;
    expect(probe.timeout).toBe(30_000);
    expect(probe.labels.county).toBe('none');
    expect(probe.http).toMatchObject({
      method: 'GET',
      maxRedirects: 5,
      expect: { noSoftError: true },
    });
    expect(probes[0]!.source).toEqual({ file: 'a.yaml', line: 2 });
  });

  it("reports availability down after two failing runs, a scan's findings after one", async () => {
    await write(
      'a.yaml',
      kfz('kfz') +
        kfz('kfz-eins', '  failAfter: 1\n') +
        `- id: barrierefreiheit\n  name: Barrierefreiheit\n  kind: a11y\n  labels: { service: portal }\n  a11y: { urls: ["https://kfz.example.de/"] }\n`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(probes.map((p) => [p.probe.id, p.probe.failAfter])).toEqual([
      ['kfz', 2],
      ['kfz-eins', 1],
      ['barrierefreiheit', 1],
    ]);
  });

  it('merges folder defaults, nearest folder last, and only the probe kind’s spec defaults', async () => {
    await write(
      'defaults.yaml',
      'defaults:\n  every: 1m\n  timeout: 10s\n  labels: { county: musterkreis }\n  http: { maxRedirects: 2 }\n',
    );
    await write('ulm/defaults.yaml', 'defaults:\n  labels: { county: ulm }\n');
    await write('top.yaml', kfz('kfz-top'));
    await write('ulm/kfz.yaml', kfz('kfz-ulm'));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    const byId = new Map(probes.map((p) => [p.probe.id, p.probe]));
    expect(byId.get('kfz-top')).toMatchObject({
      every: 60_000,
      timeout: 10_000,
      labels: { service: 'kfz', county: 'musterkreis' },
    });
    expect(byId.get('kfz-ulm')).toMatchObject({
      every: 60_000,
      labels: { service: 'kfz', county: 'ulm' },
    });
    expect((byId.get('kfz-ulm')!.http as { maxRedirects: number }).maxRedirects).toBe(2);
  });

  it('a probe’s own value wins over defaults; lists replace, mappings merge', async () => {
    await write(
      'defaults.yaml',
      'defaults:\n  http: { expect: { status: [200], bodyContains: ["Landkreis"] } }\n',
    );
    await write(
      'a.yaml',
      kfz('kfz').replace(
        'http: { url: "https://kfz.example.de/" }',
        'http: { url: "https://kfz.example.de/", expect: { status: [200, 302] } }',
      ),
    );
    const { probes } = await loadProbes(dir);
    expect(probes[0]!.probe.http).toMatchObject({
      expect: { status: [200, 302], bodyContains: ['Landkreis'] },
    });
  });

  it('stamps a template over targets with per-target labels', async () => {
    await write(
      'wohngeld.yaml',
      `- id: wohngeld-\${slug}
  name: Wohngeld \${name}
  kind: http
  ags: "\${ags}"
  labels: { service: wohngeld, county: bw }
  targets:
    - { slug: ulm, name: Ulm, ags: "08421000", labels: { county: ulm } }
    - { slug: biberach, name: Biberach, ags: "08426021" }
  http:
    url: "https://\${slug}.example.de/wohngeld"
    headers: { authorization: "Bearer \${env:TOKEN}" }
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(
      probes.map((p) => [p.probe.id, p.probe.name, p.probe.ags, p.probe.labels.county]),
    ).toEqual([
      ['wohngeld-ulm', 'Wohngeld Ulm', '08421000', 'ulm'],
      ['wohngeld-biberach', 'Wohngeld Biberach', '08426021', 'bw'],
    ]);
    // Secrets are resolved at run time, never at load time.
    expect((probes[0]!.probe.http as { headers: Record<string, string> }).headers).toEqual({
      authorization: 'Bearer ${env:TOKEN}',
    });
  });

  it('loads TypeScript probes written with defineProbe', async () => {
    const define = path.join(import.meta.dirname, '../../src/index.ts');
    await write(
      'journeys/kfz.probe.ts',
      `import { defineProbe } from ${JSON.stringify(define)};
export default defineProbe({ id: 'kfz-ts', name: 'Kfz', kind: 'http', every: '2m', labels: { service: 'kfz' }, http: { url: 'https://kfz.example.de/' } });
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(probes[0]!.probe).toMatchObject({ id: 'kfz-ts', every: 120_000 });
    expect(probes[0]!.source).toEqual({ file: 'journeys/kfz.probe.ts' });
  });

  it('reads maintenance windows with label selectors', async () => {
    await write(
      'defaults.yaml',
      'maintenance:\n  - match: { county: ulm }\n    cron: "0 2 * * 0"\n    duration: 2h\n    reason: Patchday\n',
    );
    const { maintenance, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(maintenance).toEqual([
      { match: { county: 'ulm' }, cron: '0 2 * * 0', duration: 7_200_000, reason: 'Patchday' },
    ]);
  });

  it('reports every problem at once, across files', async () => {
    await write('a.yaml', kfz('kfz', '  retries: 9\n'));
    await write('b.yaml', kfz('B!'));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(probes).toEqual([]);
    expect(diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['a.yaml:7', 'b.yaml:2']);
  });

  it('reads a folder mounted from a Kubernetes ConfigMap (links into ..data), each file once', async () => {
    // The layout the kubelet writes: the real files in a timestamped hidden folder, `..data`
    // linking to it, and every file a link through `..data`.
    await write('..2026_11_23_08_00_00.1/kreis.yaml', kfz('kfz-ludwigsburg'));
    await write('..2026_11_23_08_00_00.1/defaults.yaml', 'defaults: { every: 5m }\n');
    await symlink('..2026_11_23_08_00_00.1', path.join(dir, '..data'));
    await symlink('..data/kreis.yaml', path.join(dir, 'kreis.yaml'));
    await symlink('..data/defaults.yaml', path.join(dir, 'defaults.yaml'));
    // A link back to the folder itself, and one whose target is gone.
    await symlink('.', path.join(dir, 'schleife'));
    await symlink('weg.yaml', path.join(dir, 'kaputt.yaml'));
    const { probes, diagnostics, files } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(files).toEqual(['defaults.yaml', 'kreis.yaml']);
    expect(probes.map((p) => [p.probe.id, p.probe.every])).toEqual([['kfz-ludwigsburg', 300_000]]);
  });

  it('accepts an empty file; a missing folder or a file instead of one is a diagnostic about the folder itself', async () => {
    await write('empty.yaml', '');
    expect((await loadProbes(dir)).diagnostics).toEqual([]);
    // `.`: relative to the folder, like every other diagnostic, so the CLI prints the path once.
    expect((await loadProbes(path.join(dir, 'nope'))).diagnostics).toEqual([
      { file: '.', path: '', message: 'probes folder does not exist' },
    ]);
    expect((await loadProbes(path.join(dir, 'empty.yaml'))).diagnostics).toEqual([
      { file: '.', path: '', message: 'probes path is not a folder' },
    ]);
  });
});

describe('loadProbes: folder defaults are checked in their own file', () => {
  const probesIn = (n: number): string =>
    Array.from({ length: n }, (_, i) => kfz(`kfz-${i}`)).join('');

  it('reports each problem of a defaults.yaml once, at its line, however many probes use it', async () => {
    await write(
      'kreis/defaults.yaml',
      'defaults:\n  evrey: 5m\n  timeout: 20\n  http:\n    expect: { certExpiresIn: 21days }\n',
    );
    await write('kreis/a.yaml', probesIn(3));
    await write(
      'kreis/ulm/b.yaml',
      `probes:${probesIn(1).replace('kfz-0', 'ulm').replace(/\n/g, '\n  ')}`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(probes).toEqual([]);
    expect(diagnostics.map((d) => [`${d.file}:${d.line}:${d.column}`, d.path])).toEqual([
      ['kreis/defaults.yaml:2:3', 'defaults.evrey'],
      ['kreis/defaults.yaml:3:3', 'defaults.timeout'],
      ['kreis/defaults.yaml:5:15', 'defaults.http.expect.certExpiresIn'],
    ]);
  });

  it('checks the spec of a kind in the defaults even when no probe of that kind uses it', async () => {
    await write('defaults.yaml', 'defaults:\n  browser:\n    stepTimeout: 10\n    viewprt: {}\n');
    await write('a.yaml', probesIn(1));
    const { probes, diagnostics } = await loadProbes(dir);
    // The http probe is fine: a browser default never reaches it.
    expect(probes.map((p) => p.probe.id)).toEqual(['kfz-0']);
    expect(diagnostics.map((d) => `${d.line}: ${d.path}: ${d.message}`)).toEqual([
      '3: defaults.browser.stepTimeout: expected a duration such as "20s" (units ms, s, m, h, d), got number 10',
      '4: defaults.browser.viewprt: unknown key "viewprt"; did you mean "viewport"?',
    ]);
  });

  it('leaves to the probes what only a whole probe can show (a missing url, neither steps nor journey)', async () => {
    await write(
      'defaults.yaml',
      'defaults:\n  http: { maxRedirects: 2 }\n  browser: { stepTimeout: 5s }\n  a11y: { pageTimeout: 20s }\n',
    );
    await write('a.yaml', probesIn(1));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect((probes[0]!.probe.http as { maxRedirects: number }).maxRedirects).toBe(2);
  });

  it('a problem only the merge shows is reported at the probe, naming the line of the default', async () => {
    await write('defaults.yaml', 'defaults:\n  labels: { county: ulm }\n  timeout: 20s\n');
    await write('a.yaml', kfz('kfz', '  every: 10s\n'));
    const { diagnostics } = await loadProbes(dir);
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.path}: ${d.message}`)).toEqual([
      'a.yaml:2: [0].timeout: timeout (20s) must be shorter than every (10s) (the value comes from defaults.yaml:3)',
    ]);
  });

  it('a misspelt section of a defaults.yaml leaves its other sections in force', async () => {
    await write('defaults.yaml', 'defaults:\n  labels: { county: ulm }\nmaintainance: []\n');
    await write('a.yaml', kfz('kfz'));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.path}`)).toEqual([
      'defaults.yaml:3: maintainance',
    ]);
    expect(probes[0]!.probe.labels.county).toBe('ulm');
  });
});

describe('loadProbes: schedule limits that protect watched services', () => {
  const timeoutOf = async (fields: string): Promise<number | undefined> => {
    await write('a.yaml', kfz('kfz', fields));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    return probes[0]?.probe.timeout;
  };

  it('the default timeout fits the interval: 30s, or nine tenths of a shorter every', async () => {
    expect(await timeoutOf('')).toBe(30_000);
    expect(await timeoutOf('  every: 1m\n')).toBe(30_000);
    expect(await timeoutOf('  every: 30s\n')).toBe(27_000);
    expect(await timeoutOf('  every: 10s\n')).toBe(9_000);
    expect(await timeoutOf('  every: 1s\n')).toBe(900);
    expect(await timeoutOf('  cron: "*/5 * * * * *"\n')).toBe(30_000);
    // Written, it is kept.
    expect(await timeoutOf('  every: 10s\n  timeout: 2s\n')).toBe(2_000);
  });

  it('accepts every: 1s and timeout: 100ms, and refuses anything shorter', async () => {
    expect(await timeoutOf('  every: 1s\n  timeout: 100ms\n')).toBe(100);
    await write('a.yaml', kfz('kfz', '  every: 999ms\n  timeout: 99ms\n'));
    const { probes, diagnostics } = await loadProbes(dir);
    expect(probes).toEqual([]);
    expect(diagnostics.map((d) => `${d.path}: ${d.message.split(':')[0]}`)).toEqual([
      '[0].every: every is 999ms, below the minimum of 1s',
      '[0].timeout: timeout is 99ms, below the minimum of 100ms',
    ]);
  });

  it('a timeout too long for the default interval says the interval is the default', async () => {
    await write('a.yaml', kfz('kfz', '  timeout: 10m\n'));
    const { diagnostics } = await loadProbes(dir);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'timeout (10m) must be shorter than the interval (5m when every is not set)',
    ]);
  });
});

describe('loadProbes: browser journeys', () => {
  it('replaces "use" with the shared steps of the folder defaults, nested ones too', async () => {
    await write(
      'defaults.yaml',
      `steps:
  cookie-banner:
    - click: { role: button, name: Alle akzeptieren }
  start:
    - goto: https://www.musterkreis.de/
    - use: cookie-banner
`,
    );
    await write(
      'landkreis/wohngeld.yaml',
      `- id: wohngeld-journey
  name: Wohngeld online
  kind: browser
  labels: { service: wohngeld }
  browser:
    steps:
      - use: start
      - name: antrag
        click: { role: link, name: Online beantragen }
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    const steps = (probes[0]!.probe.browser as { steps: { name: string; action: string }[] }).steps;
    expect(steps.map((s) => [s.name, s.action])).toEqual([
      ['1-goto', 'goto'],
      ['2-click', 'click'],
      ['antrag', 'click'],
    ]);
  });

  it('loads a TypeScript journey written with defineProbe', async () => {
    const api = path.join(import.meta.dirname, '../../src/index.ts');
    await write(
      'antrag.probe.ts',
      `import { defineProbe } from ${JSON.stringify(api)};
export default defineProbe({
  id: 'antrag-ts',
  name: 'Antrag (TypeScript)',
  kind: 'browser',
  every: '15m',
  labels: { service: 'wohngeld' },
  journey: async ({ page, step }) => {
    await step('start', async () => {
      await page.goto('https://www.musterkreis.de/');
    });
  },
});
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    const spec = probes[0]!.probe.browser as { journey: unknown; steps?: unknown };
    expect(typeof spec.journey).toBe('function');
    expect(spec.steps).toBeUndefined();
  });
});

describe('loadProbes: accessibility waivers', () => {
  it('hands a11y probes the waivers of the folder, and reports a bad one with its line', async () => {
    await write(
      'a11y.yaml',
      `probes:
  - id: portal-a11y
    name: Portal barrierefrei
    kind: a11y
    labels: { service: portal }
    a11y: { urls: ['https://www.musterkreis.de/'] }
  - id: other-a11y
    name: Anderes Portal
    kind: a11y
    labels: { service: portal }
    a11y: { urls: ['https://www.beispielkreis.de/'] }
waivers:
  - { probe: portal-a11y, rule: color-contrast, reason: Corporate Design, owner: Web-Team, expires: '2027-03-31' }
  - { rule: region, reason: Alle Portale, owner: IT-Dienstleister, expires: '2027-01-31' }
  - { rule: color-contrast, reason: ohne Ablauf, owner: Web-Team }
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.path}: ${d.message}`)).toEqual([
      'a11y.yaml:15: waivers[2].expires: missing required field (expected a string)',
    ]);
    const waivers = (id: string): string[] =>
      (
        probes.find((p) => p.probe.id === id)!.probe.a11y as { waivers: { rule: string }[] }
      ).waivers.map((w) => w.rule);
    expect(waivers('portal-a11y')).toEqual(['color-contrast', 'region']);
    expect(waivers('other-a11y')).toEqual(['region']);
  });
});

describe('loadProbes: Lighthouse on a slow cadence', () => {
  it('turns the lighthouse option of an a11y probe into a probe of its own', async () => {
    await write(
      'a11y.yaml',
      `- id: portal-a11y
  name: Portal barrierefrei
  kind: a11y
  every: 1h
  labels: { service: portal, county: musterkreis }
  maintenance: [{ cron: '0 2 * * 0', duration: 2h }]
  a11y:
    urls: ['https://www.musterkreis.de/', 'https://www.musterkreis.de/kontakt']
    lighthouse: { every: 12h, formFactor: mobile, categories: [accessibility, performance] }
- id: plain-a11y
  name: Ohne Lighthouse
  kind: a11y
  labels: { service: portal }
  a11y: { urls: ['https://www.beispielkreis.de/'] }
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(diagnostics).toEqual([]);
    expect(probes.map((p) => p.probe.id).sort()).toEqual([
      'plain-a11y',
      'portal-a11y',
      'portal-a11y-lighthouse',
    ]);
    const audit = probes.find((p) => p.probe.id === 'portal-a11y-lighthouse')!;
    expect(audit.source.file).toBe('a11y.yaml');
    expect(audit.probe).toMatchObject({
      kind: 'lighthouse',
      every: 12 * 3_600_000,
      timeout: 120_000,
      labels: { service: 'portal', county: 'musterkreis' },
      lighthouse: {
        url: 'https://www.musterkreis.de/',
        formFactor: 'mobile',
        categories: ['accessibility', 'performance'],
      },
    });
    expect(audit.probe.maintenance).toHaveLength(1);
  });

  it('reports an unknown Lighthouse category with file, line and field', async () => {
    await write(
      'a11y.yaml',
      `- id: portal-a11y
  name: Portal barrierefrei
  kind: a11y
  labels: { service: portal }
  a11y:
    urls: ['https://www.musterkreis.de/']
    lighthouse: { categories: [pwa] }
`,
    );
    const { probes, diagnostics } = await loadProbes(dir);
    expect(probes).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: 'a11y.yaml',
      line: 7,
      path: expect.stringContaining('a11y.lighthouse.categories[0]') as unknown,
    });
  });
});
