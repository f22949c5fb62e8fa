import { describe, expect, it } from 'vitest';
import { markUntaggedContent, operations } from '../../src/report/pdf-artifacts.ts';

/** Each painting operator with the marked content it is in, outermost first. */
function paintedIn(content: string): [operator: string, within: string[]][] {
  const open: string[] = [];
  const painted: [string, string[]][] = [];
  let tag: string | undefined;
  for (const op of operations(content)) {
    const source = content.slice(op.start, op.end);
    if (op.operator === 'BMC' || op.operator === 'BDC') {
      tag = /^\/(\w+)/.exec(source)?.[1];
      open.push(tag ?? '?');
    } else if (op.operator === 'EMC') open.pop();
    else if (/^(?:f|S|B|Tj|TJ|'|Do|sh|BI)$/.test(op.operator)) {
      painted.push([op.operator, [...open]]);
    }
  }
  expect(open, 'every marked-content sequence is closed').toEqual([]);
  return painted;
}

describe('marking untagged content as artifact', () => {
  it('wraps what Chromium paints outside tags and leaves its tagged content alone', () => {
    const chromium = [
      'q 1 1 1 rg /G3 gs',
      '0 0 1032 1502 re',
      'f',
      'Q',
      '/H2 <</MCID 0 >>BDC',
      '0 1573 1032 2 re f',
      'EMC',
      '165 190 2149 3129 re W* n',
      '.7 .7 .7 RG 0 30307 111 1 re f',
    ].join('\n');
    const { content, marked } = markUntaggedContent(chromium);
    expect(marked).toBe(2);
    expect(paintedIn(content)).toEqual([
      ['f', ['Artifact']],
      ['f', ['H2']],
      ['f', ['Artifact']],
    ]);
    // The path is wrapped from its first operator: no path construction outside the sequence.
    expect(content).toContain('/Artifact BMC\n0 0 1032 1502 re\nf\nEMC');
    // A clip without painting leaves no mark and is not wrapped.
    expect(content).toContain('165 190 2149 3129 re W* n');
  });

  it('reads strings, arrays and dictionaries as operands, not as operators', () => {
    const tricky = [
      'BT /F1 12 Tf',
      '(a \\) f EMC \\( (nested) S) Tj',
      '[(B) -120 <0041> (Q)] TJ',
      '/P <</MCID 3 /Alt (f \\) EMC)>> BDC (x) Tj EMC',
      "(line) '",
      'ET',
      '% a comment with f and EMC',
      '<< /Type /X >> pop',
    ].join('\n');
    const { content, marked } = markUntaggedContent(tricky);
    expect(marked).toBe(3);
    expect(paintedIn(content)).toEqual([
      ['Tj', ['Artifact']],
      ['TJ', ['Artifact']],
      ['Tj', ['P']],
      ["'", ['Artifact']],
    ]);
    expect(content).toContain('/Artifact BMC\n[(B) -120 <0041> (Q)] TJ\nEMC');
  });

  it('keeps a form with structure of its own and wraps any other XObject, shading or inline image', () => {
    const stream = [
      '/Chart Do',
      '/Logo Do',
      '/Sh1 sh',
      'BI /W 2 /H 1 /BPC 8 /CS /G ID \u00ffEIx\u0000 EI',
      'Q',
    ].join('\n');
    const { content, marked } = markUntaggedContent(stream, (name) => name === 'Chart');
    expect(marked).toBe(3);
    expect(paintedIn(content)).toEqual([
      ['Do', []],
      ['Do', ['Artifact']],
      ['sh', ['Artifact']],
      ['BI', ['Artifact']],
    ]);
    // The image's data holds "EI" not followed by whitespace: it does not end the image.
    expect(content).toContain(
      '/Artifact BMC\nBI /W 2 /H 1 /BPC 8 /CS /G ID \u00ffEIx\u0000 EI\nEMC',
    );
  });

  it('changes nothing when everything is tagged', () => {
    const tagged = '/P <</MCID 0>> BDC BT (Antrag) Tj ET 0 0 5 5 re f EMC';
    expect(markUntaggedContent(tagged)).toEqual({ content: tagged, marked: 0 });
  });
});
