/**
 * `/reports` tells the accessibility officer what the daemon does by itself, so that nobody
 * waits for a report that comes anyway or asks for one that is already there.
 */
import { describe, expect, it } from 'vitest';
import { renderReportsPage } from '../../src/server/reports-page.ts';

const AUTOMATIC = 'Den Bericht des abgelaufenen Quartals erstellt ozgwatch selbst';

describe('the /reports page', () => {
  it('says that the ended quarter’s report comes by itself when reports.quarterly is on', () => {
    const html = renderReportsPage({ reports: [], quarters: ['2026-Q3'], quarterly: true });
    expect(html).toContain(AUTOMATIC);
    expect(html).toContain('Ab 2 Uhr am ersten Tag des neuen Quartals');
  });

  it('does not promise it when it is off (or another instance makes it)', () => {
    expect(renderReportsPage({ reports: [], quarters: ['2026-Q3'] })).not.toContain(AUTOMATIC);
    expect(
      renderReportsPage({ reports: [], quarters: ['2026-Q3'], quarterly: false }),
    ).not.toContain(AUTOMATIC);
  });
});
