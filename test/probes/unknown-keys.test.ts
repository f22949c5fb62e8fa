import { describe, expect, it } from 'vitest';
import { head, probeFolder } from './probe-folder.ts';

/**
 * An unknown key suggests the key that was meant: a typo, another case, a German word.
 */
const folder = probeFolder();

describe('unknown keys suggest the key that was meant', () => {
  it('a German word, a typo, a key of the spec; nothing when nothing is close', async () => {
    const { lines } = await folder.load({
      'p.yaml': `${head}  intervall: 5m\n  zeitlimit: 10s\n  lables: { service: kfz }\n  farbe: blau\n  http:\n    url: https://kfz.example.de/\n    methode: HEAD\n`,
    });
    expect(lines).toEqual([
      'p.yaml:5:3: [0].intervall: unknown key "intervall"; did you mean "every"?',
      'p.yaml:6:3: [0].zeitlimit: unknown key "zeitlimit"; did you mean "timeout"?',
      'p.yaml:7:3: [0].lables: unknown key "lables"; did you mean "labels"?',
      'p.yaml:8:3: [0].farbe: unknown key "farbe"',
      'p.yaml:11:5: [0].http.methode: unknown key "methode"; did you mean "method"?',
    ]);
  });

  it('in a defaults.yaml, and in a journey step (whose list of actions includes use)', async () => {
    const { lines } = await folder.load({
      'defaults.yaml': 'defaults:\n  interval: 1m\n',
      'j.yaml': `- id: antrag
  name: Antrag
  kind: browser
  labels: { service: wohngeld }
  browser:
    steps:
      - goto: https://kfz.example.de/
      - clik: { text: Weiter }
      - click: { rol: button, name: Weiter }
`,
    });
    expect(lines).toEqual([
      'defaults.yaml:2:3: defaults.interval: unknown key "interval"; did you mean "every"?',
      'j.yaml:8:9: [0].browser.steps[1].clik: unknown key "clik"; did you mean "click"? a step is one of: goto, click, fill, select, check, press, waitFor, expectText, expectVisible, expectUrl, screenshot, scan, or use (shared steps from a defaults.yaml)',
      // Inside the action too, at the key itself.
      'j.yaml:9:18: [0].browser.steps[2].click.rol: unknown key "rol"; did you mean "role"?',
    ]);
  });
});
