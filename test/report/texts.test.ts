import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/report/texts.ts';

describe('the report texts', () => {
  it('put nouns and verbs in the number of their count, in German and English', () => {
    const de = TEXTS.de;
    const label = { rule: 'label', help: 'Form elements must have labels', criteria: [] };
    expect(
      de.actionFix(
        {
          rule: 'aria-required-attr',
          help: 'Erforderliche ARIA-Attribute müssen bereitgestellt werden.',
          criteria: ['4.1.2 Name, Rolle, Wert'],
        },
        'x (y)',
        1,
      ),
    ).toBe(
      'Mangel in x (y) beheben – Erforderliche ARIA-Attribute müssen bereitgestellt werden (WCAG 4.1.2 Name, Rolle, Wert; Regel aria-required-attr): seit 1 Tag offen.',
    );
    expect(de.actionShared(label, 2, 1)).toContain(': behebt 1 Vorkommen in 2 Diensten.');
    expect(de.actionDue('2027-01-01', 1, 'IT')).toBe(
      'Frist 2027-01-01, überfällig seit 1 Tag; verantwortlich: IT.',
    );
    expect(de.actionDue('2027-01-01', null, 'IT')).toBe('Frist 2027-01-01; verantwortlich: IT.');
    expect(de.summaryText(1, 1, 1, 1, 1)).toBe(
      'Am Ende des Zeitraums ist 1 Mängelmuster offen; 1 von 1 Dienst hat mindestens einen kritischen oder schweren Mangel. Im Zeitraum wurde 1 Muster behoben und 1 kam neu oder erneut hinzu.',
    );
    expect(de.summaryText(5, 3, 3, 2, 4)).toBe(
      'Am Ende des Zeitraums sind 5 Mängelmuster offen; 3 von 3 Diensten haben mindestens einen kritischen oder schweren Mangel. Im Zeitraum wurden 2 Muster behoben und 4 kamen neu oder erneut hinzu.',
    );
    expect(de.servicesAndProbes(1, 1)).toBe('1 Dienst mit 1 Prüfung');
    expect(de.actionFix(label, 'x', 2)).toContain(': seit 2 Tagen offen.');
    expect(de.chartDocumentsSummary(1, 0, 1)).toBe(
      '1 von 1 prüfbaren Dokument erklärt PDF/UA und besteht die maschinelle Prüfung; 0 weitere sind getaggt (teilweise barrierefrei).',
    );
    const en = TEXTS.en;
    expect(en.actionShared(label, 1, 1)).toContain(': clears 1 occurrence in 1 service.');
    expect(en.actionDue('2027-01-01', 2, 'IT')).toBe(
      'Due 2027-01-01, overdue by 2 days; owner: IT.',
    );
    expect(en.summaryText(1, 1, 1, 1, 1)).toBe(
      'At the end of the period 1 issue pattern is open; 1 of 1 service has at least one critical or serious issue. During the period 1 pattern was fixed and 1 was new or came back.',
    );
    expect(en.servicesAndProbes(2, 1)).toBe('2 services with 1 probe');
  });
});

describe('the texts about documents, outages and counting', () => {
  it('call accessible only PDF/UA claims that passed the machine checks; tagged files are partial', () => {
    for (const lang of ['de', 'en'] as const) {
      const t = TEXTS[lang];
      expect(t.kpi.accessibleDocuments).toMatch(/PDF\/UA/);
      expect(t.kpi.accessibleDocuments).not.toMatch(/getaggt|tagged/i);
      expect(t.serviceColumns.documentsTagged).toMatch(/getaggt|tagged/i);
      expect(t.chartDocumentsSummary(2, 3, 9)).not.toMatch(/getaggt oder|tagged or/i);
    }
    expect(TEXTS.en.chartDocumentsSummary(1, 2, 5)).toBe(
      '1 of 5 checkable documents claims PDF/UA and passes the machine checks; 2 more are tagged (partly accessible).',
    );
  });

  it('keep every column label of the tables, in German and English', () => {
    for (const lang of ['de', 'en'] as const) {
      const t = TEXTS[lang];
      for (const text of [
        t.kpiColumns.id,
        t.kpiColumns.unit,
        t.checkColumns.checkedAt,
        t.checkColumns.notReachedAt,
        t.changeLabels.unchecked,
        t.findingState.unchecked,
        t.serviceColumns.documentsTagged,
      ]) {
        expect(typeof text, lang).toBe('string');
      }
    }
    expect(TEXTS.de.findingState.unchecked).toBe('nicht mehr geprüft');
  });

  it('say where the BITV signals come from and how patterns and waivers are counted', () => {
    expect(TEXTS.de.bitvIntro).toContain('die Startseite laden konnte');
    expect(TEXTS.en.bitvIntro).toContain('loaded the start page');
    expect(TEXTS.de.methodPatterns).toContain('nicht mehr geprüft');
    expect(TEXTS.de.methodPatterns).toContain('7 Tage');
    expect(TEXTS.de.methodPatterns).toContain('der neueste Lauf jeder Prüfung');
    expect(TEXTS.en.methodPatterns).toContain('no longer checked');
    expect(TEXTS.en.methodPatterns).toContain('newest run of each probe');
  });
});
