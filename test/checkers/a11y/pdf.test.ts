import { describe, expect, it } from 'vitest';
import { classifyDocument as classifyPdf } from '../../../src/checkers/a11y/classify.ts';
import {
  contentBombPdf,
  encryptedPdf,
  formPdf,
  metadataBombPdf,
  objectStreamBombPdf,
  scannedPdf,
  taggedPdf,
  untaggedPdf,
} from '../../fixtures/pdf/make-pdfs.ts';

describe('PDF classification', () => {
  it('a scanned print-and-sign form has no text layer, only an image', async () => {
    const info = await classifyPdf('https://x/antrag.pdf', await scannedPdf());
    expect(info).toMatchObject({ class: 'scanned', pages: 1, fonts: 0, tagged: false });
    expect(info.images).toBeGreaterThan(0);
  });

  it('an untagged text PDF, with its title', async () => {
    const info = await classifyPdf('https://x/merkblatt.pdf', await untaggedPdf());
    expect(info).toMatchObject({ class: 'untagged', title: 'Merkblatt Wohngeld', formFields: 0 });
    expect(info.fonts).toBe(1);
  });

  it('counts fillable form fields, and reads the text of the first page', async () => {
    const info = await classifyPdf('https://x/form.pdf', await formPdf());
    expect(info).toMatchObject({ class: 'untagged', formFields: 2, formFieldsUnnamed: 2 });
    // Named by a tooltip, and by a text alternative on the widget's structure element.
    const named = await classifyPdf('https://x/form.pdf', await formPdf({ named: true }));
    expect(named).toMatchObject({ formFields: 2, formFieldsUnnamed: 0 });
    expect(info.firstPageText).toBe('Antrag auf Wohngeld - Landkreis Musterkreis');
    // A scan has no text to read.
    expect((await classifyPdf('https://x/scan.pdf', await scannedPdf())).firstPageText).toBe(
      undefined,
    );
  });

  it('a tagged PDF with /Lang, and one claiming PDF/UA', async () => {
    expect(await classifyPdf('https://x/t.pdf', await taggedPdf())).toMatchObject({
      class: 'tagged',
      tagged: true,
      lang: 'de-DE',
    });
    const ua = await classifyPdf('https://x/ua.pdf', await taggedPdf({ pdfua: 'conforming' }));
    expect(ua).toMatchObject({
      class: 'pdfua',
      pdfuaPart: 1,
      title: 'Antrag barrierefrei',
      firstPageText: 'Barrierefreies Formular',
    });
    expect(ua.pdfuaProblems).toEqual([]);
  });

  it('a PDF/UA claim is put through the machine checks: what fails is kept beside it', async () => {
    const claim = await classifyPdf(
      'https://x/claim.pdf',
      await taggedPdf({ pdfua: 'claim-only' }),
    );
    expect(claim).toMatchObject({ class: 'pdfua', tagged: true, pdfuaPart: 1 });
    expect(claim.pdfuaProblems?.sort()).toEqual([
      '7.18.3: page 1 has annotations but no /Tabs /S',
      '7.18.4: 1 form fields have no accessible name (/TU): name',
      '7.1: DisplayDocTitle is not true',
      '7.1: page 1 has 1 marks outside tags and artifacts',
      '7.21.4.1: font Helvetica is not embedded',
      '7.3: a Figure has no alternative text',
    ]);
  });

  it('the language may be set on the structure instead of the catalog, and must be a language tag', async () => {
    const problems = async (lang: 'structure' | 'none' | 'Deutsch'): Promise<string[]> =>
      (await classifyPdf('https://x/ua.pdf', await taggedPdf({ pdfua: 'conforming', lang })))
        .pdfuaProblems ?? ['not checked'];
    // A /Lang on the Document element holds for the paragraph below it.
    expect(await problems('structure')).toEqual([]);
    expect(await problems('none')).toEqual([
      '7.2: the catalog has no /Lang, and 1 structure element(s) with content have none either',
    ]);
    expect(await problems('Deutsch')).toEqual(['7.2: /Lang "Deutsch" is not a language tag']);
  });

  it('broken files end as findings: truncated, encrypted, not a PDF, too slow', async () => {
    const whole = await untaggedPdf();
    const truncated = await classifyPdf('https://x/cut.pdf', whole.subarray(0, 200));
    expect(truncated.class).toBe('broken');
    expect(truncated.error).toBeTruthy();
    expect(
      await classifyPdf('https://x/x.pdf', new TextEncoder().encode('<html>Fehler</html>')),
    ).toMatchObject({
      format: 'pdf',
      class: 'broken',
      error: 'not a PDF, Word or OpenDocument file (no %PDF- header, zip or compound file)',
    });
    const slow = await classifyPdf('https://x/slow.pdf', whole, { memoryMb: 256, timeoutMs: 1 });
    expect(slow).toMatchObject({ class: 'broken', error: 'parsing took longer than 1 ms' });
  });

  it('an encrypted file is a finding that says so', async () => {
    const info = await classifyPdf('https://x/geheim.pdf', await encryptedPdf());
    expect(info.class).toBe('broken');
    expect(info.error).toMatch(/encrypt/i);
  });

  it('decompression bombs do not detonate: object stream, metadata and page contents of 256 MB', async () => {
    const inflated = 256 * 2 ** 20;
    const objectStream = objectStreamBombPdf(inflated);
    const metadata = await metadataBombPdf(inflated);
    expect(objectStream.byteLength + metadata.byteLength).toBeLessThan(2 * 2 ** 20);
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const bomb = await classifyPdf('https://x/bombe.pdf', objectStream);
    expect(bomb).toMatchObject({ class: 'broken' });
    expect(bomb.error).toMatch(
      /decompression bomb: a structure stream inflates to more than 32 MB/,
    );
    // The metadata is skipped; the rest of the file is still classified.
    const meta = await classifyPdf('https://x/merkblatt.pdf', metadata);
    expect(meta).toMatchObject({ class: 'untagged', title: 'Merkblatt mit Metadaten', pages: 1 });
    // A page whose contents are a bomb is classified; its text is not read.
    const content = await classifyPdf('https://x/antrag.pdf', await contentBombPdf(inflated));
    expect(content).toMatchObject({ class: 'untagged', title: 'Antrag mit Bombe' });
    expect(content.firstPageText).toBe(undefined);
    // Inflating any of the streams whole would raise the process's peak by 256 MB or more.
    const peakAfter = process.resourceUsage().maxRSS * 1024;
    expect(peakAfter - peakBefore).toBeLessThan(128 * 2 ** 20);
  });
});
