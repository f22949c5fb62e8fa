import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { formatDiagnostic } from '../../src/probes/diagnostics.ts';
import { loadProbes } from '../../src/probes/loader.ts';

/**
 * The YAML mistakes a first user makes, each reported once, at the line that has to change,
 * saying what to do: in probe files and in the daemon's config file alike.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-yaml-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsOf(text: string): Promise<string[]> {
  await writeFile(path.join(dir, 'p.yaml'), text);
  const { diagnostics } = await loadProbes(dir);
  return diagnostics.map((d) => formatDiagnostic(d));
}

const probe = (http: string): string =>
  `- id: kfz
  name: Kfz-Zulassung
  kind: http
  labels: { service: kfz }
  http:
${http}`;

describe('YAML syntax errors in probe files', () => {
  it('an over-indented key: once, at its own line, with the column it belongs in', async () => {
    const problems = await problemsOf(
      probe('    url: https://kfz.example.de/\n      expect: { status: [200] }\n'),
    );
    expect(problems).toEqual([
      'p.yaml:7:7: YAML syntax: check the indentation of line 7: "expect:" is indented deeper than "url:" on line 6, so YAML reads it as more of that value; start it in column 5, like "url:"',
    ]);
  });

  it('a key indented less than its siblings names the columns on either side', async () => {
    const problems = await problemsOf(
      probe('    url: https://kfz.example.de/\n   expect: { status: [200] }\n'),
    );
    expect(problems).toEqual([
      'p.yaml:7:4: YAML syntax: check the indentation of line 7: "expect:" starts in column 4, between "http:" (line 5, column 3) and "url:" (line 6, column 5); items of one mapping or list start in the same column',
    ]);
  });

  it('a duplicate key is named, with both of its lines', async () => {
    const problems = await problemsOf(
      probe(
        '    url: https://kfz.example.de/\n    method: GET\n    url: https://kfz.example.de/b\n',
      ),
    );
    expect(problems).toEqual([
      'p.yaml:8:5: YAML syntax: "url" is written twice in the same mapping (lines 6 and 8); keep one',
    ]);
  });

  it('a tab in the indentation is named as such', async () => {
    expect(await problemsOf(probe('\turl: https://kfz.example.de/\n'))).toEqual([
      'p.yaml:6:1: YAML syntax: line 6 is indented with a tab; YAML indents with spaces only',
    ]);
  });

  it('a tab in the indentation is reported alone, without the echoes of the lines after it', async () => {
    // The parser reports every later line as an unexpected token, a line off; the operator
    // needs the one line to change.
    const text = `- id: kfz
  name: Kfz-Zulassung
  kind: http
\tevery: 5m
  labels: { service: kfz }
  http:
    url: https://kfz.example.de/
- id: wohngeld
  name: Wohngeld
  kind: http
  labels: { service: wohngeld }
  http: { url: https://wohngeld.example.de/ }
`;
    expect(await problemsOf(text)).toEqual([
      'p.yaml:4:1: YAML syntax: line 4 is indented with a tab; YAML indents with spaces only',
    ]);
  });

  it('an unclosed quote or bracket is reported where it opened, not at the end of the file', async () => {
    const quote = await problemsOf(
      `- id: kfz\n  name: "Kfz-Zulassung\n  kind: http\n  labels: { service: kfz }\n`,
    );
    expect(quote).toEqual([
      'p.yaml:2:9: YAML syntax: the quote " opened on line 2 is not closed: end the value with " on that line',
    ]);
    const bracket = await problemsOf(
      `- id: kfz\n  name: Kfz\n  kind: http\n  labels: { service: kfz\n  http: { url: https://kfz.example.de/ }\n`,
    );
    expect(bracket).toEqual([
      'p.yaml:4:11: YAML syntax: the "{" opened on line 4 is not closed: end the mapping with "}" on that line (or indent its next lines deeper)',
    ]);
  });

  it('a value with ": " in it, a missing space after the colon, a missing comma', async () => {
    expect(await problemsOf(`- id: kfz\n  name: Kfz: Zulassung\n`)).toEqual([
      `p.yaml:2:9: YAML syntax: the value of "name" holds a ":", which YAML reads as another key: put the value in quotes, name: 'Kfz: Zulassung'`,
    ]);
    expect(await problemsOf(`- id: kfz\n  name:Kfz\n  kind: http\n`)).toEqual([
      'p.yaml:2:3: YAML syntax: "name:Kfz" needs a space after the colon: write "name: Kfz"',
    ]);
    expect(await problemsOf(`- id: kfz\n  labels: { service: kfz county: ulm }\n`)).toEqual([
      'p.yaml:2:22: YAML syntax: inside "{ }" and "[ ]" items are separated by commas, so "kfz county" reads as one key: is a comma missing?',
    ]);
  });

  it('a backslash in double quotes and a second document say what to write instead', async () => {
    expect(
      await problemsOf(
        probe(
          '    url: https://kfz.example.de/\n    expect: { headers: { content-type: "html;\\s*utf" } }\n',
        ),
      ),
    ).toEqual([
      `p.yaml:7:46: YAML syntax: \\s is no escape sequence inside "double quotes": write the value in 'single quotes' (a regular expression, a Windows path), or double the backslash`,
    ]);
    expect(await problemsOf(`- id: kfz\n  name: Kfz\n---\n- id: b\n`)).toEqual([
      'p.yaml:3:1: YAML syntax: a file holds one YAML document: remove the "---" on line 3, or move what follows into a file of its own',
    ]);
  });

  it('a mistake the explanations do not know keeps the library’s words, without "at line…"', async () => {
    const [problem, ...rest] = await problemsOf(`- id: kfz\n  name: &a &b Kfz\n`);
    expect(rest).toEqual([]);
    expect(problem).toBe('p.yaml:2:12: YAML syntax: A node can have at most one anchor');
  });
});

describe('YAML syntax errors in the config file', () => {
  it('read like those of probe files: once, at the line to change, without a dangling "at line…:"', async () => {
    const file = path.join(dir, 'c2.yaml');
    await writeFile(file, 'server:\n  port: 9464\n    host: 0.0.0.0\n');
    const error = await loadConfig({ file, env: {} }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      `${file}:3:5: YAML syntax: check the indentation of line 3: "host:" is indented deeper than "port:" on line 2, so YAML reads it as more of that value; start it in column 3, like "port:"`,
    );
  });

  it('a duplicate key in the config file is named with both lines', async () => {
    const file = path.join(dir, 'c3.yaml');
    await writeFile(file, 'probes: ./a\ndataDir: ./data\nprobes: ./b\n');
    await expect(loadConfig({ file, env: {} })).rejects.toThrow(
      `${file}:3:1: YAML syntax: "probes" is written twice in the same mapping (lines 1 and 3); keep one`,
    );
  });
});
