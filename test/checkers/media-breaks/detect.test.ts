import { describe, expect, it } from 'vitest';
import {
  detectMediaBreaks,
  documentRole,
  writtenIn,
  type LinkedDocument,
} from '../../../src/checkers/media-breaks/detect.ts';
import type { DocumentInfo, PathFollowed } from '../../../src/results/result.ts';
import type { PageContent } from '../../../src/checkers/media-breaks/extract.ts';
import { germanLexicon } from '../../../src/checkers/media-breaks/lexicon.ts';
import {
  clauses,
  normalise,
  originalOf,
  sentences,
} from '../../../src/checkers/media-breaks/text.ts';

const lexicon = germanLexicon();
const NO_PATH: PathFollowed = { steps: 0, stoppedBecause: 'no-online-application' };
const INTRO =
  'Hier erfahren Sie, welche Voraussetzungen gelten, welche Unterlagen Sie benötigen und wie das Verfahren abläuft.';

/** A service page of the given paragraphs (already scoped), optionally with an online-application link. */
function page(paragraphs: string[], online = false): PageContent {
  return {
    url: 'https://www.example-kreis.de/leistung',
    title: 'Leistung',
    h1: 'Leistung',
    blocks: [INTRO, ...paragraphs].map((text, i) => ({
      text,
      selector: `main > p:nth-of-type(${i + 1})`,
      heading: 'Verfahrensablauf',
      isHeading: false,
      isFieldLabel: false,
    })),
    links: online
      ? [
          {
            text: 'Jetzt online beantragen',
            href: 'https://www.service-bw.de/onlineantraege/onlineantrag?x=1',
            selector: 'main a',
            heading: 'Online-Dienst',
            context: '',
            inScope: true,
          },
        ]
      : [],
    buttons: [],
    forms: [],
  };
}

const kinds = (paragraphs: string[], online = false): string[] =>
  detectMediaBreaks([page(paragraphs, online)], [], NO_PATH, lexicon).breaks.map((b) => b.kind);

describe('German text normalisation', () => {
  it('folds case, umlauts, ß, soft hyphens, non-breaking spaces and words broken over lines', () => {
    expect(
      normalise('Persön\u00adliche\u00a0Vorsprache ist Pflicht. Unter-\nschrift, Straße'),
    ).toBe('persoenliche vorsprache ist pflicht. unterschrift, strasse');
  });

  it('cuts sentences but not at abbreviations, dates or ordinals', () => {
    expect(
      sentences(
        normalise('Bitte bringen Sie z. B. den Ausweis mit. Stand: 15.03.2026. Im 3. Stock.'),
        lexicon.abbreviations,
      ),
    ).toEqual(['bitte bringen sie z. b. den ausweis mit.', 'stand: 15.03.2026.', 'im 3. stock.']);
  });
});

describe('documents: form or leaflet', () => {
  const linked = (linkText: string, file: string, info: Partial<DocumentInfo>): LinkedDocument => ({
    linkText,
    context: linkText,
    heading: 'Formulare',
    pageUrl: 'https://www.example-kreis.de/leistung',
    selector: 'main a',
    info: {
      url: `https://www.example-kreis.de/${file}`,
      bytes: 1000,
      class: 'untagged',
      pages: 1,
      tagged: false,
      formFields: 0,
      fonts: 1,
      images: 0,
      ...info,
    },
  });

  it('the word named first decides; fields and a signature line make a form', () => {
    expect(
      documentRole(linked('Antrag auf Wohngeld mit Hinweisen (PDF)', 'a.pdf', {}), lexicon),
    ).toBe('form');
    expect(documentRole(linked('Merkblatt zum Antrag (PDF)', 'b.pdf', {}), lexicon)).toBe(
      'leaflet',
    );
    expect(documentRole(linked('Dokument (PDF)', 'dok-17.pdf', { formFields: 3 }), lexicon)).toBe(
      'form',
    );
    // Nothing in the link: the first page says what it is.
    expect(
      documentRole(
        linked('Download (PDF, 80 KB)', 'dok-17.pdf', {
          firstPageText:
            'Stadt Musterhausen Erklärung zur Hundehaltung Name … Ort, Datum Unterschrift',
        }),
        lexicon,
      ),
    ).toBe('form');
    expect(
      documentRole(
        linked('Download (PDF, 80 KB)', 'dok-18.pdf', {
          firstPageText: 'Informationen zur Hundesteuer Die Steuer beträgt 120 Euro im Jahr.',
        }),
        lexicon,
      ),
    ).toBe('leaflet');
    expect(documentRole(linked('Download (PDF)', 'dok-19.pdf', {}), lexicon)).toBe('unknown');
  });
});

describe('media-break rules on sentences the corpus does not contain', () => {
  it('finds each category in wording of its own', () => {
    expect(kinds(['Das ausgefüllte Formblatt drucken Sie bitte vollständig aus.'])).toEqual([
      'paper-form',
    ]);
    expect(kinds(['Der Antrag muss von beiden Eltern eigenhändig unterzeichnet werden.'])).toEqual([
      'handwritten-signature',
    ]);
    expect(kinds(['Schicken Sie die Erklärung bitte an das Ordnungsamt, Marktplatz 1.'])).toEqual([
      'postal-submission',
    ]);
    expect(kinds(['Meldungen nehmen wir ausschließlich per Telefax entgegen.'])).toEqual([
      'fax-submission',
    ]);
    expect(
      kinds(['Senden Sie den Scan des Formulars an hundesteuer@example-gemeinde.de.']),
    ).toEqual(['email-submission']);
    expect(kinds(['Für die Anmeldung müssen Sie persönlich im Bürgerbüro erscheinen.'])).toEqual([
      'in-person',
    ]);
    expect(kinds(['Die Heiratsurkunde ist im Original vorzulegen.'])).toEqual([
      'original-documents',
    ]);
    expect(kinds(['Bitte überweisen Sie die Gebühr unter Angabe des Kassenzeichens.'])).toEqual([
      'manual-payment',
    ]);
    expect(kinds(['Die Genehmigung erhalten Sie anschließend auf dem Postweg.'])).toEqual([
      'paper-decision',
    ]);
  });

  it('reads passive, modal and list wording too', () => {
    const cases: [string, string[]][] = [
      [
        'Das ausgefüllte Formular ist per Post an das Landratsamt zu übersenden.',
        ['postal-submission'],
      ],
      ['Unterlagen: Personalausweis (Original), Meldebescheinigung', ['original-documents']],
      ['Die Gebühr ist bar zu entrichten.', ['manual-payment']],
      ['Zahlungsweise: Überweisung', ['manual-payment']],
      ['Es ist ein Termin im Bürgerbüro zu vereinbaren.', ['in-person']],
      ['Die Anmeldung hat persönlich zu erfolgen.', ['in-person']],
      ['Der Bescheid wird Ihnen schriftlich zugestellt.', ['paper-decision']],
      ['Der Antrag muss handschriftlich unterzeichnet werden.', ['handwritten-signature']],
      ['Bitte legen Sie beglaubigte Übersetzungen bei.', ['original-documents']],
      ['Sie erhalten die Erlaubnisurkunde per Post.', ['paper-decision']],
      ['Bitte kommen Sie mit Ihrem Personalausweis ins Rathaus.', ['in-person']],
      ['Bringen Sie die Originale zum Termin mit.', ['in-person', 'original-documents']],
      ['Anträge sind in zweifacher Ausfertigung einzureichen.', ['paper-form']],
      ['Der Widerspruchsbescheid ergeht schriftlich.', ['paper-decision']],
      ['Die Zahlung erfolgt per Lastschrift im Onlineverfahren.', []],
      ['Ihren Bescheid können Sie im Bürgerkonto abrufen.', []],
      ['Die Übermittlung des Antrags per E-Mail ist nicht zulässig.', []],
      ['Eine Beratung im Bürgerbüro ist nach Terminvereinbarung möglich.', []],
      ['Nach Eingang des Antrags erhalten Sie eine Eingangsbestätigung per E-Mail.', []],
      ['Eine Beglaubigung ist nicht notwendig.', []],
    ];
    for (const [sentence, expected] of cases) expect(kinds([sentence]), sentence).toEqual(expected);
  });

  it('negation in the same clause cancels; a negation elsewhere does not', () => {
    expect(kinds(['Eine Unterschrift ist nicht erforderlich.'])).toEqual([]);
    expect(kinds(['Sie brauchen nicht persönlich vorbeizukommen.'])).toEqual([]);
    expect(kinds(['Senden Sie uns bitte keine Originale.'])).toEqual([]);
    expect(kinds(['Vergessen Sie bitte nicht, den Antrag zu unterschreiben.'])).toEqual([
      'handwritten-signature',
    ]);
    expect(kinds(['Kopien reichen leider nicht aus.'])).toEqual(['original-documents']);
    // The negation's scope ends a few words from it: here it is about the telephone.
    expect(
      kinds([
        'Das persönliche Gespräch im Jugendamt ist Voraussetzung für die Erlaubnis und kann nicht telefonisch geführt werden.',
      ]),
    ).toEqual(['in-person']);
    expect(
      kinds(['Anmeldungen per Post, Fax oder E-Mail können nicht bearbeitet werden.']),
    ).toEqual([]);
    expect(
      kinds([
        'Eine Online-Beantragung ist nicht möglich, sondern nur persönlich im Rathaus beantragen.',
      ]),
    ).toEqual(['in-person']);
  });

  it('an offered alternative beside an online route is no break (R1); without one it is', () => {
    const text = [
      'Wenn Sie den Online-Antrag nicht nutzen können, können Sie das Formular auch per Post senden.',
    ];
    expect(kinds(text, true)).toEqual([]);
    expect(kinds(text, false)).toEqual(['postal-submission']);
  });

  it('physical items by post and outbound payments are no break (R3)', () => {
    expect(kinds(['Die Hundesteuermarke wird Ihnen per Post zugesandt.'])).toEqual([]);
    expect(kinds(['Das Wohngeld wird monatlich auf Ihr Konto überwiesen.'])).toEqual([]);
    expect(kinds(['Eine Bestätigung erhalten Sie per E-Mail.'])).toEqual([]);
    expect(kinds(['Sie erhalten einen Bescheid.'])).toEqual([]); // R5: no channel named
  });

  it('records the condition of a conditional requirement (R4)', () => {
    const found = detectMediaBreaks(
      [page(['Bei Vertretung durch Dritte: Vollmacht im Original beifügen.'])],
      [],
      NO_PATH,
      lexicon,
    ).breaks;
    expect(found).toMatchObject([
      { kind: 'original-documents', condition: 'bei vertretung durch dritte' },
    ]);
  });

  it('estimates the maturity level: online without breaks is 3, once-only with Postfach 4, a paper form 1', () => {
    const digital = detectMediaBreaks(
      [
        page(
          ['Nachweise laden Sie im Antrag hoch. Den Bescheid erhalten Sie in Ihr BundID-Postfach.'],
          true,
        ),
      ],
      [],
      NO_PATH,
      lexicon,
    );
    expect(digital).toMatchObject({ maturity: { level: 3 }, endToEndDigital: true });
    const onceOnly = detectMediaBreaks(
      [
        page(
          [
            'Sie müssen keine Nachweise beifügen. Den Bescheid erhalten Sie in Ihr BundID-Postfach.',
          ],
          true,
        ),
      ],
      [],
      NO_PATH,
      lexicon,
    );
    expect(onceOnly.maturity.level).toBe(4);
    const paper = detectMediaBreaks(
      [page(['Drucken Sie den Vordruck aus und geben Sie ihn im Rathaus ab.'])],
      [],
      NO_PATH,
      lexicon,
    );
    expect(paper.maturity).toMatchObject({ level: 1, base: 1 });
    expect(paper.breaks.map((b) => b.kind)).toEqual(['paper-form', 'in-person']);
    expect(paper.endToEndDigital).toBe(false);
  });
});

describe('audit: wording a county would put in front of the tool', () => {
  it('an optional paper, post, mail or counter route beside the online one is no break (R1)', () => {
    const offered = [
      'Der Antrag kann auch per E-Mail an info@example-stadt.de geschickt werden.',
      'Sie können das Formular auch ausdrucken, unterschreiben und per Post senden.',
      'Sie haben auch die Möglichkeit, den Antrag persönlich im Bürgerbüro zu stellen.',
      'Es besteht auch die Möglichkeit, das Formular per Post einzusenden.',
      'Eine Antragstellung per Post ist ebenfalls möglich.',
      'Sie können den Antrag online oder persönlich im Bürgerbüro stellen.',
      'Der Antrag kann online oder schriftlich per Post gestellt werden.',
    ];
    for (const sentence of offered) expect(kinds([sentence], true), sentence).toEqual([]);
    // Without a complete online route the same channel is what the page prescribes.
    expect(kinds(['Eine Antragstellung per Post ist ebenfalls möglich.'])).toEqual([
      'postal-submission',
    ]);
    // "nur", "auch wenn" and "keine Möglichkeit" do not offer anything.
    expect(
      kinds(
        ['Der Antrag kann nur persönlich gestellt werden, auch wenn Sie eine BundID haben.'],
        true,
      ),
    ).toEqual(['in-person']);
    expect(
      kinds(['Es besteht nur die Möglichkeit der persönlichen Vorsprache im Bürgerbüro.'], true),
    ).toEqual(['in-person']);
  });

  it('a summary one may print or save is no paper form', () => {
    expect(kinds(['Die Zusammenfassung können Sie sich ausdrucken.'], true)).toEqual([]);
    expect(
      kinds(['Sie können die Zusammenfassung am Ende ausdrucken oder speichern.'], true),
    ).toEqual([]);
    expect(
      kinds(
        ['Drucken Sie die Zusammenfassung aus und senden Sie sie unterschrieben zurück.'],
        true,
      ),
    ).toEqual(['paper-form', 'handwritten-signature']);
  });

  it('finds common wording with the verb last or split', () => {
    const cases: [string, string[]][] = [
      [
        'Das Formular bitte ausdrucken, unterschreiben und an die Stadtverwaltung, Marktplatz 1, 12345 Musterstadt schicken.',
        ['paper-form', 'handwritten-signature', 'postal-submission'],
      ],
      [
        'Laden Sie das Formular herunter, füllen Sie es aus und senden Sie es an das Bürgeramt.',
        ['paper-form', 'postal-submission'],
      ],
      ['Bitte reichen Sie die Originalunterlagen ein.', ['original-documents']],
      ['Bitte reichen Sie keine Originalunterlagen ein.', []],
      ['Die Gebühr wird bei Abholung fällig und ist vor Ort zu bezahlen.', ['manual-payment']],
      ['Die Gebühr entrichten Sie bei der Stadtkasse.', ['manual-payment']],
      ['Die Gebühr ist an der Kasse im Rathaus zu bezahlen.', ['manual-payment']],
      // Paying on site is a manual payment; it prescribes no appearance by itself (R5).
      ['Die Zahlung erfolgt vor Ort.', ['manual-payment']],
      ['Die Abmeldung ist persönlich im Bürgerbüro vorzunehmen.', ['in-person']],
    ];
    for (const [sentence, expected] of cases) expect(kinds([sentence]), sentence).toEqual(expected);
  });

  it('BundID marketing, other services and plans are no online application of this service', () => {
    for (const sentence of [
      'Mit der BundID können Sie viele Verwaltungsleistungen bequem online erledigen.',
      'Künftig können Sie diesen Antrag auch online stellen.',
      'Viele Leistungen der Stadt können Sie bereits online beantragen.',
    ]) {
      const report = detectMediaBreaks(
        [page(['Der Antrag ist formlos beim Ordnungsamt zu stellen.', sentence])],
        [],
        NO_PATH,
        lexicon,
      );
      expect(report.signals.online, sentence).toBe(false);
      expect(report.maturity.level, sentence).toBe(1);
    }
  });

  it('an online route the text claims but nothing links is a hint, not S_online (DOMAIN.md §6)', () => {
    const claim = [
      'Sie können den Antrag online stellen. Nachweise laden Sie im Antrag hoch. Den Bescheid erhalten Sie in Ihr BundID-Postfach.',
    ];
    const said = detectMediaBreaks([page(claim)], [], NO_PATH, lexicon);
    expect(said.signals).toMatchObject({ online: false, onlineText: true });
    expect(said.maturity).toMatchObject({ level: 1, base: 1 });
    expect(said.maturity.because.join(' ')).toMatch(/no link, button or form/);
    expect(said.endToEndDigital).toBe(false);
    // The same words with a link into the online service: the route exists.
    const linked = detectMediaBreaks([page(claim, true)], [], NO_PATH, lexicon);
    expect(linked.signals.online).toBe(true);
    expect(linked.maturity.level).toBe(3);
    // R1 still reads the page's words: a route it offers beside the named online one is no break.
    expect(
      kinds([
        'Sie können den Antrag online stellen. Alternativ können Sie das Formular per Post senden.',
      ]),
    ).toEqual([]);
  });

  it('evidence from a long paragraph is the sentence as the page wrote it', () => {
    const filler =
      'Die Hundesteuer ist eine Gemeindesteuer, die für das Halten von Hunden im Stadtgebiet erhoben wird. '.repeat(
        4,
      );
    const found = detectMediaBreaks(
      [page([`${filler}Bitte überweisen Sie die Gebühr an die Straßenverkehrsbehörde. ${filler}`])],
      [],
      NO_PATH,
      lexicon,
    ).breaks;
    expect(found).toMatchObject([
      {
        kind: 'manual-payment',
        evidence: {
          text: 'Bitte überweisen Sie die Gebühr an die Straßenverkehrsbehörde.',
          url: 'https://www.example-kreis.de/leistung',
        },
      },
    ]);
    expect(originalOf('A\u00adb  Äß.', 'ab aess.')).toBe('Ab  Äß.');
  });

  it('reads only pages written in German: an English version says nothing', () => {
    const english = page([
      'You can register your business online with your BundID. You may also send the form per post if you prefer. The fee is shown in bar charts and paid online with PayPal. The decision is sent to your mailbox.',
    ]);
    english.blocks = english.blocks.slice(1);
    expect(writtenIn(english, lexicon)).toBe(false);
    expect(writtenIn(page(['Senden Sie den Antrag per Post an das Ordnungsamt.']), lexicon)).toBe(
      true,
    );
    expect(detectMediaBreaks([english], [], NO_PATH, lexicon).breaks).toEqual([]);
  });
});

describe('in-person appearances the law requires (DOMAIN.md §5)', () => {
  const service = (name: string, paragraphs: string[], online = false) =>
    detectMediaBreaks(
      [{ ...page(paragraphs, online), title: `${name} – Stadt Musterhausen`, h1: name }],
      [],
      NO_PATH,
      lexicon,
    );
  const inPerson = (report: ReturnType<typeof service>) =>
    report.breaks.find((b) => b.kind === 'in-person');

  it('needs the service and a sentence that shows why: the name alone or the words alone are not enough', () => {
    const fingerprints =
      'Den Antrag stellen Sie persönlich im Bürgerbüro. Ihre Fingerabdrücke werden dort abgenommen.';
    expect(inPerson(service('Personalausweis beantragen', [fingerprints]))).toMatchObject({
      legallyMandated: true,
      legalBasis: {
        rule: 'identity-document',
        evidence: { text: expect.stringMatching(/Fingerabdrücke/) as unknown },
      },
    });
    // A Personalausweis page whose visit the text does not ground in the law.
    expect(
      inPerson(
        service('Personalausweis – Verlust melden', [
          'Zur Verlustanzeige müssen Sie persönlich im Bürgerbüro erscheinen.',
        ]),
      ),
    ).toMatchObject({ legallyMandated: false });
    // Another service that mentions the ID card and even fingerprints.
    expect(
      inPerson(
        service('Waffenbesitzkarte beantragen', [
          'Bringen Sie Ihren Personalausweis mit, Fingerabdrücke werden nicht genommen.',
          'Den Antrag müssen Sie persönlich im Ordnungsamt stellen.',
        ]),
      ),
    ).toMatchObject({ legallyMandated: false });
    // "Keine Fingerabdrücke" (a Kinderreisepass) gives no reason.
    expect(
      inPerson(
        service('Kinderreisepass beantragen', [
          'Das Kind muss bei der Antragstellung persönlich anwesend sein. Für den Kinderreisepass werden keine Fingerabdrücke abgenommen.',
        ]),
      ),
    ).toMatchObject({ legallyMandated: false });
    // No in-person break, nothing to flag: an offered visit beside an online route (R1).
    expect(
      service(
        'Reisepass beantragen',
        [
          'Sie können den Antrag auch persönlich im Bürgerbüro stellen. Fingerabdrücke werden abgenommen.',
        ],
        true,
      ).breaks,
    ).toEqual([]);
  });

  it('Eheschließung: the couple appears together; a marriage certificate needs no visit by law', () => {
    const together =
      'Beide Verlobte müssen die Eheschließung gemeinsam und persönlich beim Standesamt anmelden.';
    expect(inPerson(service('Eheschließung anmelden', [together]))).toMatchObject({
      legallyMandated: true,
      legalBasis: { rule: 'marriage', reason: expect.stringMatching(/§ 1311 BGB/) as unknown },
    });
    expect(
      inPerson(
        service('Eheurkunde nach der Eheschließung beantragen', [
          'Die Urkunde erhalten Sie persönlich im Standesamt; beide Eheleute müssen nicht erscheinen.',
        ]),
      ),
    ).toMatchObject({ legallyMandated: false });
  });

  it('keeps the cap of the in-person break and says in the estimate why it stays', () => {
    const report = service(
      'Personalausweis beantragen',
      [
        'Den Termin buchen Sie online. Den Antrag stellen Sie persönlich im Bürgerbüro, wo Ihre Fingerabdrücke abgenommen werden.',
      ],
      true,
    );
    expect(report.maturity.level).toBe(2);
    expect(report.maturity.because.join('; ')).toMatch(
      /in-person appearance required by law \(identity-document\).*no portal can remove it/,
    );
  });
});

describe('generalisation: decisions on paper, once-only, digital decisions, scans', () => {
  const report = (paragraphs: string[], online = true) =>
    detectMediaBreaks([page(paragraphs, online)], [], NO_PATH, lexicon);

  it('finds a decision sent only on paper however the page words the post', () => {
    const cases: [string, string[]][] = [
      ['Die Entscheidung geht Ihnen danach in Papierform zu.', ['paper-decision']],
      ['Die Erlaubnis geht Ihnen mit der Briefpost zu.', ['paper-decision']],
      ['Den Bescheid senden wir an Ihre Wohnanschrift.', ['paper-decision']],
      ['Die Gestattung erhalten Sie per Brief.', ['paper-decision']],
      ['Die Bescheinigung wird mit Siegelabdruck postalisch versandt.', ['paper-decision']],
      // The decision named with a physical item that travels with it is still on paper only.
      [
        'Wir schicken Ihnen die Genehmigung als Brief, zusammen mit den Parkscheinen.',
        ['paper-decision'],
      ],
      ['Zustellung des Bescheids: ausschließlich per Post', ['paper-decision']],
      ['Die Baugenehmigung geht Ihnen mit Postzustellungsurkunde zu.', ['paper-decision']],
      ['Der Bescheid wird Ihnen in Papierform übersandt.', ['paper-decision']],
      [
        'Eine Zustellung des Bescheids in das Nutzerkonto ist noch nicht möglich.',
        ['paper-decision'],
      ],
      // R3: what goes by post is the physical item, the decision only says when.
      ['Nach Bewilligung schicken wir Ihnen den Parkausweis per Post zu.', []],
      ['Die Zulassungsbescheinigung und die Plaketten kommen per Post.', []],
    ];
    for (const [sentence, expected] of cases)
      expect(kinds([sentence], true), sentence).toEqual(expected);
  });

  it('printing an issued permit is no paper form; printing one to sign and return is', () => {
    expect(
      kinds(['Den Parkausweis drucken Sie aus und legen ihn hinter die Windschutzscheibe.'], true),
    ).toEqual([]);
    expect(
      kinds(
        ['Drucken Sie den Bescheid aus, unterschreiben Sie ihn und senden Sie ihn zurück.'],
        true,
      ),
    ).toContain('paper-form');
  });

  it('news the authority sends by e-mail is no e-mail submission; "falls Sie keinen Online-Ausweis besitzen" offers an alternative (R1)', () => {
    for (const sentence of [
      'Sie werden per E-Mail benachrichtigt, sobald der Bescheid in Ihrem Postfach bereitliegt.',
      'Über den Stand der Bearbeitung informieren wir Sie per E-Mail.',
      'Eine Kopie Ihres Antrags wird Ihnen per E-Mail zugesandt.',
    ])
      expect(kinds([sentence], true), sentence).toEqual([]);
    const fallback =
      'Falls Sie keinen Online-Ausweis besitzen, können Sie den Antrag ausdrucken, unterschreiben und per Post senden.';
    expect(kinds([fallback], true)).toEqual([]);
    // Without an online route it is the route the page prescribes.
    expect(kinds([fallback], false)).toContain('postal-submission');
  });

  it('a channel the page rules out is no break; a negation about that channel reaches no other', () => {
    expect(kinds(['Bitte schicken Sie uns die Unterlagen nicht per E-Mail.'], true)).toEqual([]);
    expect(
      kinds([
        'Die Unterlagen können nicht per E-Mail eingereicht werden, schicken Sie sie per Post an das Bürgeramt.',
      ]),
    ).toEqual(['postal-submission']);
  });

  it('a signature something else replaces and an IBAN given for a payout are no breaks', () => {
    expect(
      kinds(['Statt einer Unterschrift bestätigen Sie den Antrag mit Ihrem Vereinszugang.'], true),
    ).toEqual([]);
    expect(kinds(['Die IBAN für die Auszahlung geben Sie im Antrag an.'], true)).toEqual([]);
  });

  it('reads once-only and a digital decision in wording of their own: level 4', () => {
    for (const paragraphs of [
      [
        'Ihre Daten werden automatisch aus dem Melderegister in das Formular eingetragen.',
        'Die Bestätigung legen wir in das Postfach Ihrer BundID.',
      ],
      [
        'Die Halterdaten fragen wir beim Kraftfahrt-Bundesamt an, Sie müssen also nichts hochladen.',
        'Den Bescheid laden Sie danach als PDF herunter.',
      ],
      [
        'Sie müssen keine Nachweise beifügen.',
        'Das Ergebnis wird Ihnen sofort angezeigt und steht als PDF zum Speichern bereit.',
      ],
      [
        'Eine Vorlage von Unterlagen ist nicht erforderlich.',
        'Sie erhalten den Bescheid digital über die BundID.',
      ],
      [
        'Die erforderlichen Nachweise fordern wir direkt beim Finanzamt an.',
        'Den Bescheid erhalten Sie elektronisch.',
      ],
      [
        'Ihre Meldeadresse gleichen wir mit dem Einwohnermelderegister ab. Nachweise brauchen Sie keine.',
        'Die Genehmigung finden Sie danach im Servicekonto und können sie dort abrufen.',
      ],
    ]) {
      expect(report(paragraphs).maturity.level, paragraphs.join(' ')).toBe(4);
    }
  });

  it('stays at 3 where once-only is only planned, the channel is not named or "Postfach" is an address', () => {
    for (const paragraphs of [
      [
        'Künftig sollen Nachweise automatisch abgerufen werden; derzeit laden Sie die Belege bitte hoch.',
        'Den Bescheid erhalten Sie in Ihr BundID-Postfach.',
      ],
      ['Ihre Daten werden aus dem Melderegister übernommen.', 'Sie erhalten einen Bescheid.'],
      [
        'Sie müssen keine Nachweise beifügen.',
        'Ordnungsamt, Postfach 11 20, 77771 Musterstadt, Telefon 07000 12-0.',
      ],
      [
        'Sie müssen keine Nachweise beifügen.',
        'Eine Zustellung in das Postfach ist nicht möglich.',
      ],
    ]) {
      expect(report(paragraphs).maturity.level, paragraphs.join(' ')).toBe(3);
    }
  });

  it('a section on documents that only says "Keine" asks for none', () => {
    const base = page(['Den Bescheid erhalten Sie in Ihr BundID-Postfach.'], true);
    const withSection = (answer: string): PageContent => ({
      ...base,
      blocks: [
        ...base.blocks,
        {
          ...base.blocks[0]!,
          text: 'Erforderliche Unterlagen',
          heading: 'Erforderliche Unterlagen',
          isHeading: true,
        },
        { ...base.blocks[0]!, text: answer, heading: 'Erforderliche Unterlagen' },
      ],
    });
    const level = (answer: string): number =>
      detectMediaBreaks([withSection(answer)], [], NO_PATH, lexicon).maturity.level;
    expect(level('Keine.')).toBe(4);
    expect(level('Mietvertrag und Einkommensnachweise')).toBe(3);
  });

  it('a link into an online service is read from verbs and hosts beyond "beantragen"', () => {
    const online = (text: string, href: string): boolean => {
      const p = page(['Das Verfahren ist gebührenfrei.']);
      p.links = [{ text, href, selector: 'main a', heading: '', context: text, inScope: true }];
      return detectMediaBreaks([p], [], NO_PATH, lexicon).signals.online;
    };
    expect(online('Widerspruch online einlegen', 'https://www.example-stadt.de/w')).toBe(true);
    expect(online('Jetzt online abmelden', 'https://www.example-stadt.de/a')).toBe(true);
    expect(online('Wiederzulassung online', 'https://www.example-kreis.de/z')).toBe(true);
    expect(online('Weiter', 'https://musterstadt.onlinedienste-bw.de/abmeldung')).toBe(true);
    expect(online('Informationen online', 'https://www.example-stadt.de/info')).toBe(false);
  });

  it('a document linked only as "Download" is what the sentence around the link names', () => {
    const doc = (context: string): LinkedDocument => ({
      linkText: 'Download (PDF)',
      context,
      heading: 'Antrag',
      pageUrl: 'https://www.example-kreis.de/leistung',
      selector: 'main a',
      info: {
        url: 'https://www.example-kreis.de/Dok1.pdf',
        bytes: 1000,
        class: 'scanned',
        pages: 1,
        tagged: false,
        formFields: 0,
        fonts: 0,
        images: 1,
      },
    });
    expect(documentRole(doc('Das Antragsformular finden Sie hier: Download (PDF)'), lexicon)).toBe(
      'form',
    );
    expect(documentRole(doc('Das Merkblatt finden Sie hier: Download (PDF)'), lexicon)).toBe(
      'leaflet',
    );
    expect(documentRole(doc('Download (PDF)'), lexicon)).toBe('unknown');
    const found = detectMediaBreaks(
      [page(['Drucken Sie es aus und füllen Sie es von Hand aus.'])],
      [doc('Das Antragsformular finden Sie hier: Download (PDF)')],
      NO_PATH,
      lexicon,
    ).breaks.map((b) => b.kind);
    expect(found).toEqual(['paper-form', 'scanned-pdf']);
  });
});

describe('development round: decisions on paper however portals say it, and fresh wording of the other kinds', () => {
  /** Paragraphs under one heading of their own ("Bescheid", "Wie erhalte ich die Genehmigung?"). */
  const under = (heading: string, paragraphs: string[], online = true): string[] => {
    const p = page(paragraphs, online);
    p.blocks = p.blocks.map((b) => ({ ...b, heading }));
    return detectMediaBreaks([p], [], NO_PATH, lexicon).breaks.map((b) => b.kind);
  };

  it('finds a paper decision the clause does not name: the sentence before, the paragraph before or the heading does', () => {
    expect(
      kinds(
        [
          'Über Ihren Antrag entscheiden wir mit einem Bescheid. Diesen schicken wir Ihnen mit der Post.',
        ],
        true,
      ),
    ).toEqual(['paper-decision']);
    // List items: "… erlässt einen Bescheid." / "Sie erhalten ihn auf dem Postweg."
    expect(
      kinds(['Die Behörde erlässt einen Bescheid.', 'Sie erhalten ihn auf dem Postweg.'], true),
    ).toEqual(['paper-decision']);
    expect(under('Wie erhalte ich die Genehmigung?', ['Sie wird Ihnen zugestellt.'])).toEqual([
      'paper-decision',
    ]);
    expect(under('Ergebnis', ['Wir teilen es Ihnen schriftlich mit.'])).toEqual(['paper-decision']);
    // Without a decision to refer to, the same words say nothing about one.
    expect(kinds(['Sie erhalten ihn auf dem Postweg.'], true)).toEqual([]);
    expect(
      kinds(['Wir teilen Ihnen schriftlich mit, welche Unterlagen noch fehlen.'], true),
    ).toEqual([]);
    // A clause that names something else of its own is not about the decision before it.
    expect(
      kinds(
        [
          'Über den Antrag entscheiden wir mit einem Bescheid.',
          'Eine Zahlungserinnerung erhalten Sie per Post.',
        ],
        true,
      ),
    ).toEqual([]);
    // What comes back by post, or a form sent out, is no decision.
    expect(under('Bescheid', ['Ihre Originale erhalten Sie mit der Post zurück.'])).toEqual([]);
    expect(under('Bescheid', ['Das Formular senden wir Ihnen auf Wunsch per Post.'])).toEqual([]);
  });

  it('finds formal service, separable verbs and a written decision', () => {
    for (const sentence of [
      'Die Zustellung erfolgt mit Postzustellungsurkunde.',
      'Die Behörde stellt Ihnen die Genehmigung mit den gestempelten Plänen zu.',
      'Das Ergebnis der Prüfung teilt Ihnen das Amt schriftlich mit.',
      'Nach der Prüfung erhalten Sie einen schriftlichen Bewilligungsbescheid.',
      'Danach übersendet Ihnen das Landratsamt die Erlaubnis.',
      'Die Ausnahmegenehmigung wird schriftlich erteilt.',
      'Den Wohnberechtigungsschein schicken wir Ihnen per Post.',
      'Die Erlaubnis wird Ihnen an die Adresse geschickt, die Sie im Antrag angegeben haben.',
      'Die Abmeldebestätigung senden wir Ihnen mit der Post zu.',
      // The e-mail after the comma is a copy for someone else, not how the decision travels.
      'Die Baugenehmigung wird per Post an den Bauherrn versandt, der Architekt erhält eine Kopie per E-Mail.',
      'Den Befreiungsbescheid stellen wir Ihnen mit einfachem Brief zu.',
      'Sie erhalten eine schriftliche Mitteilung über die Entscheidung des Jugendamts.',
      // An account used to log in is no place of delivery.
      'Sie melden sich mit der BundID an und erhalten den Bescheid danach per Post.',
    ])
      expect(kinds([sentence], true), sentence).toEqual(['paper-decision']);
  });

  it('a weak cue gives way only to a digital delivery the page states, not to one it rules out', () => {
    const weak = 'Danach übersendet Ihnen das Landratsamt die Erlaubnis.';
    expect(
      kinds([weak, 'Die Erlaubnis finden Sie danach in Ihrem BundID-Postfach.'], true),
    ).toEqual([]);
    expect(kinds([weak, 'Ein Download der Erlaubnis ist nicht möglich.'], true)).toEqual([
      'paper-decision',
    ]);
  });

  it('a decision by e-mail or in a portal is a digital one', () => {
    for (const sentence of [
      'Die Genehmigung wird Ihnen per E-Mail zugesandt.',
      'Die Baugenehmigung wird Ihnen über das Bauportal zugestellt.',
    ]) {
      const sent = detectMediaBreaks([page([sentence], true)], [], NO_PATH, lexicon);
      expect(sent.breaks, sentence).toEqual([]);
      expect(sent.signals.decisionDigital, sentence).toBe(true);
    }
  });

  it('evidence handed in online is an upload: no once-only, level 3', () => {
    const level = detectMediaBreaks(
      [
        page(
          [
            'Den Antrag und das Foto des Zählers reichen Sie online ein.',
            'Den Bescheid finden Sie danach in Ihrem Postfach.',
          ],
          true,
        ),
      ],
      [],
      NO_PATH,
      lexicon,
    );
    expect(level.signals.upload).toBe(true);
    expect(level.maturity.level).toBe(3);
  });

  it('a decision by De-Mail, or in an account, is no paper decision', () => {
    for (const sentence of [
      'Die Baugenehmigung wird Ihnen per De-Mail zugestellt.',
      'Mit der BundID melden Sie sich an; den Bescheid erhalten Sie in Ihr BundID-Postfach.',
      'Die Baugenehmigung wird Ihnen über das Bauportal zugestellt.',
      'Der Vorauszahlungsbescheid wird Ihnen digital über Mein ELSTER zugestellt.',
    ])
      expect(kinds([sentence], true), sentence).toEqual([]);
  });

  it('"in Papierform" of a decision is no paper form; a permit printed to show it is none either', () => {
    expect(kinds(['Die Genehmigung erhalten Sie ausschließlich in Papierform.'], true)).toEqual([
      'paper-decision',
    ]);
    expect(kinds(['Zustellung der Erlaubnis in Papierform.'], true)).toEqual(['paper-decision']);
    expect(kinds(['Der Bescheid ergeht in Papierform.'], true)).toEqual(['paper-decision']);
    for (const sentence of [
      'Halten Sie die Erlaubnis beim Fest bereit, ausgedruckt oder auf dem Smartphone.',
      'Zum Auslegen im Fahrzeug drucken Sie ihn einfach aus.',
      'Sie können sie herunterladen und ausdrucken, um sie bei Kontrollen vorzuzeigen.',
      'Ein Ausdruck und eine Unterschrift auf Papier sind nicht nötig.',
    ])
      expect(kinds([sentence], true), sentence).toEqual([]);
    // After a comma a new subject starts: the negation does not reach back that far.
    expect(
      kinds(['Bringen Sie den Ausweis mit, eine Vollmacht der anderen Eltern ist nicht nötig.']),
    ).toEqual(['in-person']);
  });

  it('reads fresh wording of the other kinds', () => {
    const cases: [string, string[]][] = [
      [
        'Füllen Sie den Meldebogen aus und schicken Sie ihn an das Sekretariat der Schule.',
        ['paper-form', 'postal-submission'],
      ],
      ['Eine Terminbuchung ist zwingend erforderlich.', ['in-person']],
      ['Die Anmeldung wird in einem Bürgeramt Ihrer Wahl vorgenommen.', ['in-person']],
      ['Den Antrag geben Sie im Rathaus, Zimmer 3, ab.', ['in-person']],
      ['Das Kind muss bei der Antragstellung anwesend sein.', ['in-person']],
      ['Beim Ortstermin müssen Sie nicht anwesend sein.', []],
      ['Eine Antragstellung ist nur vor Ort im Jugendamt möglich.', ['in-person']],
      [
        'Die Unterlagen sind im Original im Bürgerbüro vorzulegen.',
        ['in-person', 'original-documents'],
      ],
      ['Bitte kommen Sie dazu in die Fahrerlaubnisbehörde.', ['in-person']],
      ['Wir bestätigen Ihre Angaben dort mit Stempel und Unterschrift.', []],
      ['Die Gebühr begleichen Sie nach Erhalt des Gebührenbescheids.', ['manual-payment']],
      ['Die Gebühr ist vorab auf das Konto der Stadtkasse einzuzahlen.', ['manual-payment']],
      // Someone else sends it: nothing the citizen posts.
      ['Lassen Sie das Führungszeugnis direkt an das Jugendamt senden.', []],
      [
        'Lassen Sie sie von allen unterschreiben und senden Sie sie per Post an das Sozialamt.',
        ['handwritten-signature', 'postal-submission'],
      ],
      ['Melden Sie das Feuer mit einer E-Mail an feuer@example-gemeinde.de.', ['email-submission']],
      [
        'Die Anzeige ist formlos an die Adresse feuer@example-gemeinde.de zu richten.',
        ['email-submission'],
      ],
      [
        'Das Gutachten brauchen wir als Original; eine Kopie reicht dafür nicht.',
        ['original-documents'],
      ],
      // The authority sends or certifies: nothing the citizen has to do.
      ['Die Auskunft schicken wir Ihnen per E-Mail.', []],
      ['Das Bürgerbüro beglaubigt Kopien von Urkunden.', []],
      ['Den Ausweis schicken wir Ihnen per Post, weil er im Original ausliegen muss.', []],
    ];
    for (const [sentence, expected] of cases) expect(kinds([sentence]), sentence).toEqual(expected);
  });
});

describe('development round 3: two paper routes, asides between dashes, answers to questions', () => {
  it('two paper routes offered as a choice, with no digital one, are both breaks (R1)', () => {
    const cases: [string, string[]][] = [
      [
        'Füllen Sie das Antragsformular aus und reichen Sie es per Post oder persönlich bei der Gemeinde ein.',
        ['paper-form', 'postal-submission', 'in-person'],
      ],
      [
        'Der Antrag ist persönlich oder postalisch beim Ordnungsamt möglich.',
        ['postal-submission', 'in-person'],
      ],
      [
        'Die ausgefüllte Anmeldung nehmen wir entweder auf dem Postweg oder im Bürgerbüro entgegen.',
        ['postal-submission', 'in-person'],
      ],
      [
        'Die Umschreibung beantragen Sie formlos – per Post oder direkt bei der Friedhofsverwaltung.',
        ['postal-submission', 'in-person'],
      ],
      [
        'Den Antrag reichen Sie schriftlich, per Post oder persönlich, bei der Landesdirektion ein.',
        ['postal-submission', 'in-person'],
      ],
      ['Sprechen Sie mit Ihren Unterlagen in der Ausländerbehörde vor.', ['in-person']],
    ];
    for (const [sentence, expected] of cases) expect(kinds([sentence]), sentence).toEqual(expected);
    // Beside a complete online route the same choice is an offered alternative.
    expect(
      kinds(
        ['Sie können den Antrag auch per Post oder persönlich bei der Gemeinde einreichen.'],
        true,
      ),
    ).toEqual([]);
  });

  it('an aside between two dashes keeps the clause it interrupts whole', () => {
    expect(clauses('a - b - c', lexicon.clauseBreaks)).toEqual(['a b c']);
    expect(clauses('bescheid per post - antrag online', lexicon.clauseBreaks)).toEqual([
      'bescheid per post',
      'antrag online',
    ]);
    expect(
      kinds(
        [
          'Den Bauvorbescheid senden wir Ihnen – wie alle Entscheidungen der Bauaufsicht – per Post zu.',
        ],
        true,
      ),
    ).toEqual(['paper-decision']);
    for (const sentence of [
      'Ein persönliches Erscheinen ist – anders als früher – nicht mehr erforderlich.',
      'Ihre Unterschrift wird – wie bei allen Onlinediensten auf service-bw – durch die Anmeldung mit dem Online-Ausweis ersetzt.',
    ])
      expect(kinds([sentence], true), sentence).toEqual([]);
    const choice =
      'Ihre Meldung senden Sie uns per Post oder – wenn Sie es wünschen – elektronisch über das Portal.';
    expect(kinds([choice], true)).toEqual([]);
    expect(kinds([choice])).toEqual(['postal-submission']);
    expect(
      kinds(['Zum Termin bringen Sie – neben Ihrem Pass – alle Urkunden im Original mit.'], true),
    ).toEqual(['in-person', 'original-documents']);
    // Paper the citizen may tick instead of the Postfach is a choice (R1).
    expect(
      kinds(
        [
          'Den Bescheid erhalten Sie – sofern Sie nichts anderes wählen – in Ihr BayernID-Postfach. Wer lieber Papier möchte, kreuzt im Antrag „Zustellung per Post“ an.',
        ],
        true,
      ),
    ).toEqual([]);
  });

  it('a negation between the words of a trigger negates it; one the trigger names does not', () => {
    expect(kinds(['Originale müssen Sie nicht vorlegen.'])).toEqual([]);
    expect(kinds(['Eine beglaubigte Kopie ist nicht erforderlich – ein Scan genügt.'])).toEqual([]);
    expect(kinds(['Eine einfache Kopie genügt nicht.'])).toEqual(['original-documents']);
    // Nor does it say that no evidence is needed (once-only): copies are.
    const scans = page(
      ['Zeugnisse laden Sie als Scan hoch. Originale müssen Sie nicht vorlegen.'],
      true,
    );
    expect(detectMediaBreaks([scans], [], NO_PATH, lexicon).signals.onceOnly).toBe(false);
    // "Unterlagen fügen Sie als Datei bei": evidence is uploaded, so no once-only either.
    const attached = page(['Unterlagen fügen Sie als Datei bei.'], true);
    expect(detectMediaBreaks([attached], [], NO_PATH, lexicon).signals.upload).toBe(true);
  });

  it('an upload the page rules out is no upload, and does not stand against Once-Only', () => {
    const upload = (text: string) =>
      detectMediaBreaks([page([text], true)], [], NO_PATH, lexicon).signals.upload;
    expect(upload('Ein Hochladen von Nachweisen ist im Online-Antrag nicht möglich.')).toBe(false);
    expect(upload('Nachweise laden Sie im Antrag hoch.')).toBe(true);
    // The register is asked instead: nothing to upload, and the decision comes digitally.
    const registers = detectMediaBreaks(
      [
        page(
          [
            'Sie müssen keine Unterlagen hochladen: Wir rufen die Meldedaten direkt beim Melderegister ab.',
            'Den Bescheid erhalten Sie in Ihr BundID-Postfach.',
          ],
          true,
        ),
      ],
      [],
      NO_PATH,
      lexicon,
    );
    expect(registers.signals).toMatchObject({ upload: false, onceOnly: true });
    expect(registers.maturity.level).toBe(4);
  });

  it('an answer reads with its question; a question prescribes nothing', () => {
    // The first paragraph under a question (an FAQ item) answers it.
    const faq = page(['Per Post an Ihre Meldeanschrift.'], true);
    faq.blocks = faq.blocks
      .slice(1)
      .map((b) => ({ ...b, heading: 'Wie erhalte ich den Bescheid?' }));
    expect(detectMediaBreaks([faq], [], NO_PATH, lexicon).breaks.map((b) => b.kind)).toEqual([
      'paper-decision',
    ]);
    expect(kinds(['Wie erhalte ich den Bescheid? Per Post an Ihre Wohnanschrift.'], true)).toEqual([
      'paper-decision',
    ]);
    expect(kinds(['Muss ich persönlich erscheinen? Nein, das ist nicht nötig.'])).toEqual([]);
    // A question about the application is answered with how to apply, not with a decision.
    expect(kinds(['Wie beantrage ich die Genehmigung? Per Post an das Ordnungsamt.'])).toEqual([
      'postal-submission',
    ]);
  });

  it('finds a decision by letter however it is worded, and only the decision', () => {
    for (const sentence of [
      'Über das Ergebnis informieren wir Sie mit einem Brief nach Hause.',
      'Den Erlaubnisbescheid erhalten Sie anschließend mit der Deutschen Post.',
      'Die Genehmigung erhalten Sie brieflich.',
      'Den Bescheid schicken wir Ihnen an die Anschrift, die Sie im Antrag angegeben haben.',
      // Sent by the authority: no postal submission beside the decision.
      'Die Erlaubnis wird Ihnen nach Abschluss der Prüfung schriftlich erteilt und per Post übersandt.',
      'Zustellung der Genehmigung: per Post an die Anschrift der Produktionsfirma',
    ])
      expect(kinds([sentence], true), sentence).toEqual(['paper-decision']);
  });

  it('an electronic decision with paper on request, or one to print oneself, is no break', () => {
    const market = detectMediaBreaks(
      [
        page(
          [
            'Sie erhalten einen elektronischen Bescheid in Mein Unternehmenskonto. Wenn Sie es wünschen, schicken wir Ihnen zusätzlich eine Ausfertigung per Post.',
          ],
          true,
        ),
      ],
      [],
      NO_PATH,
      lexicon,
    );
    expect(market.breaks).toEqual([]);
    expect(market.signals.decisionDigital).toBe(true);
    expect(
      kinds(
        [
          'Der Befreiungsbescheid wird Ihnen ausschließlich elektronisch in das Postfach Ihres Nutzerkontos zugestellt. Sie können ihn dort herunterladen und bei Bedarf selbst ausdrucken.',
        ],
        true,
      ),
    ).toEqual([]);
  });

  it('reads fresh wording of e-mail, payment and originals', () => {
    const cases: [string, string[]][] = [
      [
        'Lassen Sie uns die Rechnung bitte als PDF-Anhang an werke@example-gemeinde.de zukommen.',
        ['email-submission'],
      ],
      [
        'Die Verwaltungsgebühr entrichten Sie vorab mit dem Zahlschein, den wir Ihnen zusenden.',
        ['manual-payment'],
      ],
      ['Wir überweisen den Zuschuss direkt an den Kursanbieter.', []],
      ['Urkunden: Eheurkunde und Scheidungsurteil (jeweils Original)', ['original-documents']],
      ['Gebühr: 25 Euro, bar bei Abholung der Gestattung', ['manual-payment']],
      ['Die Bar im Erdgeschoss ist bei Abholung geöffnet.', []],
      [
        'Einreichung: per Fax an 08041 505-299 oder per Brief an das Ordnungsamt',
        ['postal-submission', 'fax-submission'],
      ],
    ];
    for (const [sentence, expected] of cases) expect(kinds([sentence]), sentence).toEqual(expected);
  });

  it('keeps precision where the new wording meets what is sent in, collected or offered', () => {
    // Evidence named in a sentence that tells the citizen to send it is no decision.
    expect(
      kinds([
        'Bitte legen Sie dem Antrag die Bescheinigung des Arbeitgebers bei und schicken Sie alles per Post an das Amt.',
      ]),
    ).toEqual(['postal-submission']);
    expect(kinds(['Senden Sie uns den Antrag, den Bescheid erhalten Sie dann per Post.'])).toEqual([
      'paper-decision',
    ]);
    // A physical item handed over in person (R3), and an office that also takes applications (R1).
    expect(kinds(['Die Steuermarke erhalten Sie persönlich im Bürgerbüro.'])).toEqual([]);
    expect(kinds(['Anträge nehmen wir auch im Bürgerbüro entgegen.'], true)).toEqual([]);
  });

  it('a document to fill in is a form; a PDF named "…-antrag.pdf" is no online application', () => {
    const doc = (linkText: string, context: string, file: string): LinkedDocument => ({
      linkText,
      context,
      heading: 'Antrag',
      pageUrl: 'https://www.example-kreis.de/leistung',
      selector: 'main a',
      info: {
        url: `https://www.example-kreis.de/${file}`,
        bytes: 1000,
        class: 'scanned',
        pages: 1,
        tagged: false,
        formFields: 0,
        fonts: 0,
        images: 1,
      },
    });
    expect(
      documentRole(
        doc(
          'Download (PDF, 1,2 MB)',
          'Bitte füllen Sie das Dokument vollständig aus: Download (PDF, 1,2 MB)',
          'dok_2019_0815.pdf',
        ),
        lexicon,
      ),
    ).toBe('form');
    expect(
      documentRole(
        doc('Formblatt Baulasterklärung (Bild-PDF)', 'Formblatt Baulasterklärung', 'scan_0047.pdf'),
        lexicon,
      ),
    ).toBe('form');
    expect(
      documentRole(
        doc('Barrierefreiheitserklärung (PDF)', 'Barrierefreiheitserklärung', 'bf.pdf'),
        lexicon,
      ),
    ).toBe('leaflet');
    const withPdf = page(['Verwenden Sie hierfür das Antragsformular.']);
    withPdf.links = [
      {
        text: 'Antragsformular (PDF)',
        href: 'https://www.example-kreis.de/docs/hwo-antrag.pdf',
        selector: 'main a',
        heading: 'Formulare',
        context: 'Antragsformular (PDF)',
        inScope: true,
      },
    ];
    expect(detectMediaBreaks([withPdf], [], NO_PATH, lexicon).signals.online).toBe(false);
    withPdf.links[0] = {
      ...(withPdf.links[0] as PageContent['links'][number]),
      text: 'Weiter',
      href: 'https://www.example-kreis.de/leistung/antrag.html',
    };
    expect(detectMediaBreaks([withPdf], [], NO_PATH, lexicon).signals.online).toBe(true);
  });
});

describe('development round 4: other Länder, other CMS, nominal and relative wording', () => {
  /** Whether the page counts as having an online route, with one link to another site. */
  const onlineWith = (paragraphs: string[], text: string, context: string): boolean => {
    const p = page(paragraphs);
    p.links = [
      {
        text,
        href: 'https://portal.example-land.de/dienst',
        selector: 'main a',
        heading: 'Antrag',
        context,
        inScope: true,
      },
    ];
    return detectMediaBreaks([p], [], NO_PATH, lexicon).signals.online;
  };

  it('a third party named beside "Stempel und Unterschrift" signs for the citizen; a signature captured at the counter is no wet ink', () => {
    expect(
      kinds([
        'Die Bestätigung Ihres Vereins ist mit Stempel und Unterschrift des Vorstands zu versehen.',
      ]),
    ).toEqual(['handwritten-signature']);
    expect(
      kinds([
        'Der Reisepass ist persönlich im Bürgerbüro zu beantragen, da Fingerabdrücke und Ihre Unterschrift vor Ort erfasst werden.',
      ]),
    ).toEqual(['in-person']);
  });

  it('the citizen posts in a relative clause or a duty, even where evidence is named like a decision', () => {
    expect(
      kinds(
        [
          'Amtlich beglaubigte Kopien der Abschlusszeugnisse sind zusätzlich auf dem Postweg nachzureichen.',
        ],
        true,
      ),
    ).toEqual(['postal-submission', 'original-documents']);
    expect(
      kinds([
        'Am Ende erhalten Sie einen Antrag, den Sie zusammen mit der Geburtsbescheinigung im Original per Post an die Elterngeldstelle schicken.',
      ]),
    ).toEqual(['postal-submission', 'original-documents']);
    // The authority's letter stays a decision on paper.
    expect(kinds(['Die Bescheinigung wird Ihnen per Post zugesandt.'], true)).toEqual([
      'paper-decision',
    ]);
  });

  it('"Abgabe im Bürgerbüro" is an appearance; a visit only if the online process fails is none; a delivery by e-mail is outbound', () => {
    expect(
      kinds([
        'Abgabe im Bürgerbüro des Kreishauses oder per Post an: Kreis Musterland, Amtshausstraße 3, 32051 Musterstadt.',
      ]),
    ).toEqual(['postal-submission', 'in-person']);
    expect(
      kinds(
        [
          'Sollte die Online-Außerbetriebsetzung nach dem Freilegen der Codes scheitern, ist eine Vorsprache in der Zulassungsstelle erforderlich.',
        ],
        true,
      ),
    ).toEqual([]);
    expect(kinds(['Lieferung: PDF per E-Mail'], true)).toEqual([]);
    expect(kinds(['Senden Sie den Antrag per E-Mail an antrag@example-kreis.de.'])).toEqual([
      'email-submission',
    ]);
  });

  it('a link the sentence names an online service, or a portal link the text says to apply through, is the online route', () => {
    expect(
      onlineWith(
        [],
        'ElterngeldDigital',
        'Nutzen Sie den Online-Assistenten ElterngeldDigital. Am Ende erzeugt er einen Antrag.',
      ),
    ).toBe(true);
    expect(
      onlineWith(
        [],
        'ElterngeldDigital',
        'Mehr über ElterngeldDigital lesen Sie auf der Seite des Landes.',
      ),
    ).toBe(false);
    expect(
      onlineWith(
        ['Für Krippe und Kindergarten melden Sie Ihr Kind über das Kita-Portal der Stadt an.'],
        'Zum Kita-Portal',
        'Zum Kita-Portal',
      ),
    ).toBe(true);
    expect(
      onlineWith(
        ['Die Plätze vergibt die Stadt im Frühjahr.'],
        'Zum Kita-Portal',
        'Zum Kita-Portal',
      ),
    ).toBe(false);
  });

  it('an office named before "abzugeben" is a hand-over; found items collected with "holen Sie … ab" are none (R3); any "Original…" compound is an original', () => {
    expect(
      kinds([
        'Der Antrag nebst Lageplan ist in zweifacher Ausfertigung beim Tiefbauamt abzugeben.',
      ]),
    ).toEqual(['paper-form', 'in-person']);
    expect(kinds(['Fundsachen holen Sie persönlich im Fundbüro ab.'], true)).toEqual([]);
    expect(kinds(['Dem Verwendungsnachweis sind die Originalbelege beizufügen.'], true)).toEqual([
      'original-documents',
    ]);
    expect(
      onlineWith([], 'Elektronische Wohnsitzanmeldung', 'Elektronische Wohnsitzanmeldung'),
    ).toBe(true);
  });

  it('a decision named before "erhalten Sie per E-Mail" is digital, an acknowledgement is not; an online form that ends on paper is stage 2', () => {
    const report = (paragraphs: string[]) =>
      detectMediaBreaks([page(paragraphs, true)], [], NO_PATH, lexicon);
    expect(report(['Die Platzzusage erhalten Sie per E-Mail.']).signals.decisionDigital).toBe(true);
    expect(
      report(['Die Eingangsbestätigung erhalten Sie per E-Mail.']).signals.decisionDigital,
    ).toBe(false);
    const printed = report([
      'Am Ende drucken Sie den Antrag aus, unterschreiben ihn und schicken ihn an das Landratsamt.',
    ]);
    expect(printed.breaks.map((b) => b.kind)).toContain('paper-form');
    expect(printed.signals.assist).toBe(false);
    expect(printed.maturity.level).toBe(2);
  });
});
