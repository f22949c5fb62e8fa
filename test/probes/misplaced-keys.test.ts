import { describe, expect, it } from 'vitest';
import { head, probeFolder } from './probe-folder.ts';

/**
 * Keys of a kind's block written one level too far left (`url:` under an `http:` that is not
 * indented) are reported where they are, saying where they belong.
 */
const folder = probeFolder();

describe('a key of the kind’s block written at the probe', () => {
  it('url under an http: that is not indented: says where it belongs, not that http is empty', async () => {
    const { probes, lines } = await folder.load({
      'p.yaml': `${head}  http:\n  url: https://kfz.example.de/\n  expect: { status: [200] }\n`,
    });
    expect(probes).toEqual([]);
    expect(lines).toEqual([
      `p.yaml:6:3: [0].url: "url" belongs under "http:" (line 5): indent it deeper than "http:" (a probe's own url is only the page shown to people)`,
      `p.yaml:7:3: [0].expect: "expect" belongs under "http:" (line 5): indent it deeper than "http:"`,
    ]);
  });

  it('a block that lacks the key, or is missing: the same, naming the block to write', async () => {
    const lacking = await folder.load({
      'p.yaml': `${head}  method: HEAD\n  http:\n    url: https://kfz.example.de/\n`,
    });
    expect(lacking.lines).toEqual([
      'p.yaml:5:3: [0].method: "method" belongs under "http:" (line 6): indent it deeper than "http:"',
    ]);
    await folder.remove('p.yaml');
    const missing = await folder.load({
      'p.yaml':
        head.replace('kind: http', 'kind: browser') +
        `  steps:\n    - goto: https://kfz.example.de/\n`,
    });
    expect(missing.lines).toEqual([
      'p.yaml:5:3: [0].steps: "steps" belongs under "browser:", which this probe does not have: write "browser:" and indent "steps" below it',
    ]);
  });

  it('a probe’s own url next to a complete http block stays what it is', async () => {
    const { probes, diagnostics } = await folder.load({
      'p.yaml': `${head}  url: https://service-bw.de/leistung\n  http:\n    url: https://kfz.example.de/\n`,
    });
    expect(diagnostics).toEqual([]);
    expect(probes.map((p) => p.probe.url)).toEqual(['https://service-bw.de/leistung']);
  });
});
