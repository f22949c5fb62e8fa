import { describe, expect, it } from 'vitest';
import { classifyDocument } from '../../../src/checkers/a11y/classify.ts';
import {
  bombDocx,
  legacyDoc,
  scannedDocx,
  taggedDocx,
  taggedOdt,
  untaggedFormDocx,
  untaggedFormOdt,
} from '../../fixtures/documents/make-office.ts';

describe('Word and OpenDocument classification', () => {
  it('a Word file with heading styles and alt text is tagged, with title, language and pages', async () => {
    expect(await classifyDocument('https://x/antrag.docx', taggedDocx())).toMatchObject({
      format: 'docx',
      class: 'tagged',
      tagged: true,
      title: 'Antrag auf Wohngeld',
      lang: 'de-DE',
      pages: 2,
      headings: 1,
      images: 1,
      imagesWithoutAlt: 0,
      formFields: 0,
    });
  });

  it('a Word form without headings counts its fields and the image without alt text', async () => {
    expect(await classifyDocument('https://x/hund.docx', untaggedFormDocx())).toMatchObject({
      format: 'docx',
      class: 'untagged',
      headings: 0,
      imagesWithoutAlt: 1,
      formFields: 2,
    });
  });

  it('pictures without text are a scan', async () => {
    expect(await classifyDocument('https://x/scan.docx', scannedDocx())).toMatchObject({
      class: 'scanned',
      images: 2,
    });
  });

  it('OpenDocument text: text:h headings, frame titles, form controls, meta', async () => {
    expect(await classifyDocument('https://x/hund.odt', taggedOdt())).toMatchObject({
      format: 'odt',
      class: 'tagged',
      title: 'Anmeldung eines Hundes',
      lang: 'de-DE',
      pages: 3,
    });
    expect(await classifyDocument('https://x/antrag.odt', untaggedFormOdt())).toMatchObject({
      format: 'odt',
      class: 'untagged',
      formFields: 2,
      imagesWithoutAlt: 1,
    });
  });

  it('the format comes from the bytes: a PDF behind a .docx link is a PDF', async () => {
    const doc = await classifyDocument('https://x/alt.docx', legacyDoc());
    expect(doc).toMatchObject({ format: 'doc', class: 'unchecked' });
    const html = await classifyDocument('https://x/a.docx', new TextEncoder().encode('<html>'));
    expect(html).toMatchObject({ format: 'docx', class: 'broken' });
    expect(html.error).toMatch(/not a PDF, Word or OpenDocument file/);
  });

  it('a zip bomb and a damaged package end as broken, with the reason', async () => {
    const bomb = await classifyDocument('https://x/bombe.docx', bombDocx());
    expect(bomb).toMatchObject({ format: 'docx', class: 'broken' });
    expect(bomb.error).toMatch(/decompression bomb: word\/document.xml/);
    const cut = await classifyDocument('https://x/cut.docx', taggedDocx().subarray(0, 200));
    expect(cut).toMatchObject({ class: 'broken' });
    expect(cut.error).toBeTruthy();
  });
});
