import { describe, expect, it } from 'vitest';
import { probeFolder } from './probe-folder.ts';

/**
 * Waivers written the way people write: a German date, a reason of two letters.
 */
const folder = probeFolder();

describe('waivers written the way people write', () => {
  it('a German date names the format and the same day; a short reason says what a reason is for', async () => {
    const { lines } = await folder.load({
      'a11y.yaml': `waivers:
  - rule: color-contrast
    reason: Corporate Design (Ticket 4711)
    owner: Web-Team
    expires: '31.03.2027'
  - rule: region
    reason: ok
    owner: Web-Team
    expires: '2027-03-31'
`,
    });
    expect(lines).toEqual([
      `a11y.yaml:5:5: waivers[0].expires: expected a date written YYYY-MM-DD, got "31.03.2027"; write e.g. '2027-03-31'`,
      'a11y.yaml:7:5: waivers[1].reason: must be at least 3 characters: the reason says why the finding is accepted (a decision, a ticket) and is listed with it in the report',
    ]);
  });
});
