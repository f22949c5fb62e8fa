import { describe, expect, it } from 'vitest';
import { head, probeFolder } from './probe-folder.ts';

/**
 * The problems of a file in the order of its lines, as a person fixes them.
 */
const folder = probeFolder();

describe('the diagnostics of a file', () => {
  it('come in the order of its lines, whatever the order of the checks', async () => {
    // The schema checks retries (line 7) before the http spec (line 6), and duplicate ids
    // (line 8) after every probe (line 10).
    const { lines } = await folder.load({
      'a.yaml': `${head}  http:\n    url: kfz.example.de\n  retries: 9\n${head.replace('kind', 'every: 5 min\n  kind')}  http: { url: https://kfz.example.de/ }\n`,
    });
    expect(lines.map((l) => l.split(': ')[0])).toEqual([
      'a.yaml:6:5',
      'a.yaml:7:3',
      'a.yaml:8:1',
      'a.yaml:10:3',
    ]);
  });
});
