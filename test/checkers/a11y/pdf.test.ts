import { describe, expect, it } from 'vitest';
import { classifyPdf } from '../../../src/checkers/a11y/pdf.ts';
import { formPdf, scannedPdf, taggedPdf, untaggedPdf } from '../../fixtures/pdf/make-pdfs.ts';

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

  it('counts fillable form fields', async () => {
    const info = await classifyPdf('https://x/form.pdf', await formPdf());
    expect(info).toMatchObject({ class: 'untagged', formFields: 2 });
  });

  it('a tagged PDF with /Lang, and one claiming PDF/UA', async () => {
    expect(await classifyPdf('https://x/t.pdf', await taggedPdf())).toMatchObject({
      class: 'tagged',
      tagged: true,
      lang: 'de-DE',
    });
    expect(await classifyPdf('https://x/ua.pdf', await taggedPdf(true))).toMatchObject({
      class: 'pdfua',
      pdfuaPart: 1,
      title: 'Antrag barrierefrei',
    });
  });

  it('broken files end as findings: truncated, encrypted, not a PDF, too slow', async () => {
    const whole = await untaggedPdf();
    const truncated = await classifyPdf('https://x/cut.pdf', whole.subarray(0, 200));
    expect(truncated.class).toBe('broken');
    expect(truncated.error).toBeTruthy();
    expect(
      await classifyPdf('https://x/x.pdf', new TextEncoder().encode('<html>Fehler</html>')),
    ).toMatchObject({
      class: 'broken',
      error: 'not a PDF (no %PDF- header)',
    });
    const slow = await classifyPdf('https://x/slow.pdf', whole, { memoryMb: 256, timeoutMs: 1 });
    expect(slow).toMatchObject({ class: 'broken', error: 'parsing took longer than 1 ms' });
  });
});
