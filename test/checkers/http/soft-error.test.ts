import { describe, expect, it } from 'vitest';
import { detectSoftError } from '../../../src/checkers/http/soft-error.ts';

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="de"><head><title>${title}</title></head><body>${body}</body></html>`;

describe('soft-error detector', () => {
  it('normalises entities, soft hyphens, ß and case before matching', () => {
    expect(detectSoftError(page('Musterkreis', '<h1>WARTUNGS&shy;ARBEITEN</h1>'))).toMatchObject({
      reason: 'maintenance_page',
      phrase: 'wartungsarbeiten',
      where: 'heading',
    });
    expect(
      detectSoftError(page('Dienst vor&uuml;bergehend&nbsp;nicht verf&#252;gbar', '')),
    ).toMatchObject({ reason: 'maintenance_page', where: 'title' });
  });

  it('reads the text of short pages but ignores scripts and comments', () => {
    expect(
      detectSoftError(page('Landratsamt', '<p>Es ist ein Fehler aufgetreten.</p>')),
    ).toMatchObject({ reason: 'soft_error', where: 'text' });
    expect(
      detectSoftError(
        page(
          'Landratsamt',
          '<script>var m = "Seite nicht gefunden";</script><!-- Wartungsarbeiten --><p>Willkommen</p>',
        ),
      ),
    ).toBeUndefined();
  });

  it('judges long pages by title and headings only', () => {
    const article = '<p>Die Hundesteuer wird jährlich festgesetzt. </p>'.repeat(60);
    expect(
      detectSoftError(
        page('Hundesteuer', `<h1>Hundesteuer</h1>${article}<p>Seite nicht gefunden?</p>`),
      ),
    ).toBeUndefined();
    expect(detectSoftError(page('Seite nicht gefunden', article))).toMatchObject({
      where: 'title',
    });
  });
});
