import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/report/texts.ts';

describe('the report texts', () => {
  it('put nouns and verbs in the number of their count, in German and English', () => {
    const de = TEXTS.de;
    expect(de.actionRule('aria-required-attr', 1)).toBe(
      'Mängel der Regel „aria-required-attr“ beheben (1 Dienst betroffen).',
    );
    expect(de.actionRule('label', 2)).toContain('(2 Dienste betroffen)');
    expect(de.summaryText(1, 1, 1, 1, 1)).toBe(
      'Am Ende des Zeitraums ist 1 Mängelmuster offen; 1 von 1 Dienst hat mindestens einen kritischen oder schweren Mangel. Im Zeitraum wurde 1 Muster behoben und 1 kam neu oder erneut hinzu.',
    );
    expect(de.summaryText(5, 3, 3, 2, 4)).toBe(
      'Am Ende des Zeitraums sind 5 Mängelmuster offen; 3 von 3 Diensten haben mindestens einen kritischen oder schweren Mangel. Im Zeitraum wurden 2 Muster behoben und 4 kamen neu oder erneut hinzu.',
    );
    expect(de.servicesAndProbes(1, 1)).toBe('1 Dienst mit 1 Prüfung');
    expect(de.actionOldest('label', 'x', 1)).toContain('(seit 1 Tag offen)');
    expect(de.chartDocumentsSummary(1, 1)).toBe(
      '1 von 1 prüfbaren Dokument ist getaggt oder erklärt PDF/UA.',
    );
    const en = TEXTS.en;
    expect(en.actionRule('label', 1)).toContain('(1 service affected)');
    expect(en.summaryText(1, 1, 1, 1, 1)).toBe(
      'At the end of the period 1 issue pattern is open; 1 of 1 service has at least one critical or serious issue. During the period 1 pattern was fixed and 1 was new or came back.',
    );
    expect(en.servicesAndProbes(2, 1)).toBe('2 services with 1 probe');
  });
});
