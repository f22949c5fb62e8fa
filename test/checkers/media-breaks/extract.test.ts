import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMediaBreaks } from '../../../src/checkers/media-breaks/detect.ts';
import { extractPage, type PageContent } from '../../../src/checkers/media-breaks/extract.ts';
import { germanLexicon } from '../../../src/checkers/media-breaks/lexicon.ts';
import { startBrowserWorld, type BrowserWorld } from '../browser-world.ts';

/**
 * What the extractor reads from rendered markup: the procedure text as one run where inline
 * elements split it, without other services' teasers, passages in another language, or what
 * a closed "Kontakt" accordion heads.
 */
let world: BrowserWorld;
const lexicon = germanLexicon();

beforeAll(async () => {
  world = await startBrowserWorld();
}, 30_000);

afterAll(async () => {
  await world.close();
});

async function read(body: string): Promise<PageContent> {
  const lease = await world.host.lease({ locale: 'de-DE' });
  try {
    await lease.page.route('http://gemeinde.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="de"><head><title>Leistung</title></head><body>${body}</body></html>`,
      }),
    );
    await lease.page.goto('http://gemeinde.test/leistung');
    return await extractPage(lease.page, lexicon.outOfScopeHeadings);
  } finally {
    await lease.release();
  }
}

const NO_PATH = { steps: 0, stoppedBecause: 'no-online-application' } as const;
const kinds = (page: PageContent): string[] =>
  detectMediaBreaks([page], [], NO_PATH, lexicon).breaks.map((b) => b.kind);
const INTRO =
  '<h1>Hund anmelden</h1><h2>Verfahrensablauf</h2><p>Hier erfahren Sie, welche Unterlagen Sie benötigen und wie das Verfahren abläuft.</p>';

describe('reading the procedure text from markup', () => {
  it('joins words that inline elements split ("<span>unter</span>schreiben", "<em>aus</em>,")', async () => {
    const page = await read(
      `<main>${INTRO}<p><strong>Drucken</strong> Sie das Formular <em>aus</em>, füllen Sie es aus und <span>unter</span>schreiben Sie es.</p></main>`,
    );
    expect(page.blocks.map((b) => b.text)).toContain(
      'Drucken Sie das Formular aus, füllen Sie es aus und unterschreiben Sie es.',
    );
    expect(kinds(page)).toEqual(['paper-form', 'handwritten-signature']);
  });

  it('keeps text apart where an element between is laid out as a block', async () => {
    const page = await read(
      `<main>${INTRO}<ul><li>Gebühr<span style="display:block">20 Euro</span></li></ul></main>`,
    );
    expect(page.blocks.map((b) => b.text)).toContain('Gebühr 20 Euro');
  });

  it('keeps words apart at a line break, after inline markup or within one element', async () => {
    const page = await read(
      `<main>${INTRO}<p><b>Gebühren</b><br>Die Gebühr zahlen Sie bar.<br>Unterlagen<br/>Personalausweis</p></main>`,
    );
    expect(page.blocks.map((b) => b.text)).toContain(
      'Gebühren Die Gebühr zahlen Sie bar. Unterlagen Personalausweis',
    );
  });

  it("leaves out other services' teasers on the page", async () => {
    const teasers = await read(
      `<main>${INTRO}<p>Die Anmeldung stellen Sie online mit Ihrer BundID.</p>
      <h2>Das könnte Sie auch interessieren</h2>
      <article><h3><a href="/abmelden">Hund abmelden</a></h3><p>Die Abmeldung müssen Sie persönlich im Bürgerbüro vornehmen.</p></article>
      <article><h3><a href="/gaststaette">Gaststättenerlaubnis</a></h3><p>Drucken Sie den Antrag aus und senden Sie ihn unterschrieben per Post an das Ordnungsamt.</p></article></main>`,
    );
    expect(kinds(teasers)).toEqual([]);
    const related = await read(
      `<main>${INTRO}<p>Die Anmeldung stellen Sie online mit Ihrer BundID.</p>
      <ul class="related-services"><li><a href="/abmelden">Hund abmelden</a>: Bringen Sie die Abmeldung unterschrieben ins Bürgerbüro mit.</li></ul></main>`,
    );
    expect(kinds(related)).toEqual([]);
  });

  it('leaves out a passage in another language', async () => {
    const page = await read(
      `<main>${INTRO}<p>Die Anmeldung stellen Sie online mit Ihrer BundID.</p><section lang="en"><h2>In English</h2><p>You may also send the form per post if you prefer.</p></section></main>`,
    );
    expect(page.blocks.map((b) => b.text).join(' ')).not.toMatch(/per post/);
    expect(kinds(page)).toEqual([]);
  });

  it("drops consent managers' dialogs by their markup or wording and reads the procedure's dialogs", async () => {
    const trap = 'Ihre Einwilligung widerrufen Sie per Post an die Stadtverwaltung oder per Fax.';
    const page = await read(
      `<main>${INTRO}
      <div id="CybotCookiebotDialog" role="dialog"><p>${trap}</p></div>
      <div id="BorlabsCookieBox"><div class="_brlbs-dialog" role="dialog"><p>${trap}</p></div></div>
      <div class="klaro"><div class="cm-modal" role="dialog" aria-modal="true"><p>${trap}</p></div></div>
      <div id="onetrust-banner-sdk" role="alertdialog"><p>${trap}</p></div>
      <div id="cmpbox" class="cmpbox" role="dialog"><p>${trap}</p></div>
      <div data-testid="uc-default-wall" role="dialog"><p>${trap}</p></div>
      <div class="ccm-modal" role="dialog"><p>${trap}</p></div>
      <div class="layer" role="alertdialog" aria-modal="true"><p>Wir verwenden Cookies, um unsere Website zu verbessern. ${trap}</p><button>Alle akzeptieren</button></div>
      <dialog class="hinweis"><p>Wir binden Inhalte von Drittanbietern ein. ${trap}</p><button>Nur notwendige</button></dialog>
      <h2>Kontakt</h2><p>Bürgerbüro, Marktplatz 1, Telefax 07000 1234</p>
      <dialog id="karte"><h3>Lageplan</h3><p>Das Bürgerbüro liegt am Marktplatz.</p></dialog>
      <h3>Erreichbarkeit</h3><p>Bürgerbüro, Postfach 12, Telefax 07000 1235</p>
      <dialog id="ablauf" aria-labelledby="ablauf-t"><strong id="ablauf-t">Ablauf</strong>
        <p>Bringen Sie den unterschriebenen Antrag ins Bürgerbüro mit. Hinweise zum Datenschutz finden Sie in der Datenschutzerklärung.</p></dialog>
      <div role="dialog" aria-labelledby="kontakt-t"><span id="kontakt-t">Kontakt</span><p>Schreiben Sie uns per Fax an 07000 1234.</p></div>
      </main>`,
    );
    const texts = page.blocks.map((b) => b.text).join(' ');
    expect(texts).not.toMatch(/widerrufen|Telefax|per Fax/);
    expect(page.blocks.find((b) => /Bürgerbüro mit/.test(b.text))).toMatchObject({
      heading: 'Ablauf',
    });
    expect(kinds(page)).toEqual(['handwritten-signature', 'in-person']);
  });

  it('a dialog outside the content counts only when the content opens it', async () => {
    const page = await read(
      `<main>${INTRO}<p><a href="#schritte" class="modal-link">Ablauf ansehen</a></p>
      <button type="button" data-bs-toggle="modal" data-bs-target="#kosten">Kosten</button></main>
      <div class="modal" id="schritte" role="dialog"><h2>Ablauf</h2><p>Senden Sie das Formular per Post an das Ordnungsamt.</p></div>
      <div class="modal" id="kosten" role="dialog"><h2>Kosten</h2><p>Die Gebühr ist bar zu entrichten.</p></div>
      <div class="modal" id="umfrage" role="dialog"><p>Ihre Meinung zählt! Drucken Sie den Fragebogen aus und geben Sie ihn im Rathaus ab.</p></div>`,
    );
    expect(kinds(page)).toEqual(['postal-submission', 'manual-payment']);
    // The button opens a dialog on the page: not a way to an online service.
    expect(page.buttons).toEqual([]);
  });

  it('a closed "Kontakt" accordion heads only its own content, not the procedure after it', async () => {
    const page = await read(
      `<main>${INTRO}<details><summary>Kontakt</summary><p>Steueramt, Marktplatz 1, 12345 Musterstadt, Telefax 07000 1234</p></details>
      <p>Werfen Sie die unterschriebene Anmeldung in den Briefkasten des Rathauses.</p>
      <dl><dt>Öffnungszeiten</dt><dd>Mo–Fr 8–12 Uhr</dd></dl>
      <p>Die Steuer ist an der Stadtkasse bar zu zahlen.</p></main>`,
    );
    const texts = page.blocks.map((b) => b.text);
    expect(texts).not.toContain('Steueramt, Marktplatz 1, 12345 Musterstadt, Telefax 07000 1234');
    expect(texts).not.toContain('Mo–Fr 8–12 Uhr');
    expect(kinds(page)).toEqual(['handwritten-signature', 'postal-submission', 'manual-payment']);
  });

  it('reads a table cell with its row header and a definition with its term: "Bescheid | per Post" is a paper decision', async () => {
    const page = await read(
      `<main>${INTRO}<table>
        <tr><th scope="row">Bearbeitungsdauer</th><td>etwa drei Wochen</td></tr>
        <tr><th scope="row">Zustellung des Bescheids</th><td>nur per Post an die Wohnanschrift</td></tr>
      </table>
      <dl><dt>Genehmigung</dt><dd>geht Ihnen mit der Briefpost zu</dd><dt>Gebühr</dt><dd>keine</dd></dl></main>`,
    );
    const texts = page.blocks.map((b) => b.text);
    expect(texts).toContain('Zustellung des Bescheids: nur per Post an die Wohnanschrift');
    expect(texts).toContain('Genehmigung: geht Ihnen mit der Briefpost zu');
    // Outbound: the decision goes by post, nothing has to be sent in.
    expect(kinds(page)).toEqual(['paper-decision']);
  });

  it('reads a cell of a row without a header cell with the row\'s first cell: "Bescheid | Wir schicken ihn …"', async () => {
    const page = await read(
      `<main>${INTRO}<table>
        <tr><td>Bearbeitungszeit</td><td>etwa sechs Wochen</td></tr>
        <tr><td>Genehmigung</td><td>Wir schicken sie an Ihre Wohnanschrift.</td></tr>
      </table></main>`,
    );
    expect(page.blocks.map((b) => b.text)).toContain(
      'Genehmigung: Wir schicken sie an Ihre Wohnanschrift.',
    );
    expect(kinds(page)).toEqual(['paper-decision']);
  });
  it('reads a value with its label where divs build the pairs, and a step with the cells before it', async () => {
    const page = await read(
      `<main>${INTRO}
      <div class="facts">
        <div class="row"><div class="label">Antragstellung:</div><div class="value">online mit dem Servicekonto</div></div>
        <div class="row"><div class="label">Zustellung der Genehmigung:</div><div class="value">per Post an die Anschrift der Firma</div></div>
      </div>
      <div><div role="term">Wie erhalte ich den Bescheid?</div><div role="definition">Per Post an Ihre Wohnanschrift.</div></div>
      <div class="text"><div>Das Amt prüft Ihren Antrag.</div><div>Per Post an die Firma.</div></div>
      <div class="dl-row"><span class="dl-term">Bescheid</span> <span class="dl-desc">als Brief an den Firmensitz</span></div>
      <table><tr><td>4</td><td>Bescheid</td><td>Versand per Post</td></tr></table></main>`,
    );
    const texts = page.blocks.map((b) => b.text);
    expect(texts).toContain('Zustellung der Genehmigung: per Post an die Anschrift der Firma');
    expect(texts).toContain('Wie erhalte ich den Bescheid? Per Post an Ihre Wohnanschrift.');
    expect(texts).toContain('4 Bescheid: Versand per Post');
    // Label and value as spans in one row, apart as the page shows them.
    expect(texts).toContain('Bescheid als Brief an den Firmensitz');
    // A sentence before a div is no label: no colon, no label class or role.
    expect(texts).toContain('Per Post an die Firma.');
    // The decision goes by post; nothing has to be sent in.
    const only = (text: string): PageContent => ({
      ...page,
      blocks: page.blocks.filter(
        (b) => b.isHeading || b.text === text || b.text.startsWith('Hier'),
      ),
    });
    for (const text of [
      'Zustellung der Genehmigung: per Post an die Anschrift der Firma',
      'Wie erhalte ich den Bescheid? Per Post an Ihre Wohnanschrift.',
      '4 Bescheid: Versand per Post',
      'Bescheid als Brief an den Firmensitz',
    ])
      expect(kinds(only(text)), text).toEqual(['paper-decision']);
  });
});
