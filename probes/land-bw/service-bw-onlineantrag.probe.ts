// A browser journey written in TypeScript: from the Wohngeld service description on
// service-bw, regionalised for Ludwigsburg, to the start of its online application.
// Disabled until you have watched it pass once against production:
//   npx ozgwatch run service-bw-onlineantrag-wohngeld
// It opens the application and stops there: nothing is filled in or sent, and a request
// that would change state is blocked anyway unless the probe allows it (allowRequests).
import { defineProbe } from 'ozgwatch';

/** The button that leads from a service description to its online application. */
const ONLINE_ENTRY = /online\s*-?\s*(antrag|beantragen|dienst)/i;
/** Where the application lives on service-bw; a login first hands over to BundID. */
const APPLICATION = /\/onlineantraege\/|id\.bund\.de/;

export default defineProbe({
  id: 'service-bw-onlineantrag-wohngeld',
  name: 'service-bw Onlineantrag Wohngeld (Ludwigsburg)',
  kind: 'browser',
  enabled: false,
  every: '30m',
  timeout: '60s',
  labels: { service: 'wohngeld', county: 'ludwigsburg' },
  leika: '99107009001000',
  ags: '08118048',
  url: 'https://www.service-bw.de/zufi/leistungen/6000090?ags=08118048',
  browser: { stepTimeout: '15s', degradedAfter: '25s' },
  journey: async ({ page, step }) => {
    await step('leistung', async () => {
      await page.goto('https://www.service-bw.de/zufi/leistungen/6000090?ags=08118048');
      // The description is rendered by a script after the page loads: wait for its heading.
      await page
        .getByRole('heading', { name: /Wohngeld/ })
        .first()
        .waitFor();
    });
    await step('onlineantrag-oeffnen', async () => {
      // A link on some portals, a button on others; it opens in this tab or in a new one.
      const entry = page
        .getByRole('link', { name: ONLINE_ENTRY })
        .or(page.getByRole('button', { name: ONLINE_ENTRY }))
        .first();
      // Listen for a new tab before the click: a popup can open before click() returns. If
      // the click fails, nobody awaits it: its later rejection must not go unhandled.
      const newTab = page.context().waitForEvent('page');
      newTab.catch(() => undefined);
      await entry.click();
      await Promise.race([
        page.waitForURL(APPLICATION),
        newTab.then((tab) => tab.waitForURL(APPLICATION)),
      ]);
    });
  },
});
