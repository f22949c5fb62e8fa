/**
 * Every text of the quarterly report, in German (the audience) and English. One place,
 * so a translation is complete by type: `en` must have every key `de` has.
 */
import type { Kpi } from './model.ts';

export type Lang = 'de' | 'en';

/** `1 Dienst`, `2 Dienste`: the count with the word in its number. */
const n = (count: number, one: string, many: string): string =>
  `${count} ${count === 1 ? one : many}`;

/**
 * A rule as the actions name it: what it asks, the WCAG criteria it tests (`4.1.2 Name,
 * Rolle, Wert`) and its axe-core id, for whoever fixes it.
 */
export interface RuleRef {
  rule: string;
  help: string;
  criteria: string[];
}

/** The key figures the Leichte Sprache summary is written from. */
export interface EasyReadFigures {
  /** First and last day, in words (`longDate`). */
  from: string;
  to: string;
  /** Not a single run in the period. */
  noData: boolean;
  /** Services monitored, and of those scanned for accessibility. */
  services: number;
  scanned: number;
  /** Open patterns at the end; null when no scan ran. */
  open: number | null;
  openBefore: number | null;
  /**
   * The days the open patterns are counted on, in words: the period's last day (or, while it
   * runs, the day of its figures) and the comparison period's last day.
   */
  openOn: string;
  openBeforeOn: string;
  severeServices: number;
  fixed: number;
  measures: number;
  overdue: number;
}

const ruleRef = (r: RuleRef, word: string): string => {
  const what = r.help.replace(/\.$/, '');
  const refs = [...r.criteria.map((c) => `WCAG ${c}`), `${word} ${r.rule}`];
  return `${what} (${refs.join('; ')})`;
};

const de = {
  title: 'Quartalsbericht Barrierefreiheit',
  subtitle: (period: string) => `Automatisierte Überwachung der Online-Dienste, ${period}`,
  metaHeading: 'Angaben zum Bericht',
  period: 'Zeitraum',
  timeZone: 'Zeitzone',
  scope: 'Umfang',
  scopeAll: 'alle überwachten Dienste',
  scopeCounty: 'Gebiet',
  scopeService: 'Leistung',
  servicesAndProbes: (services: number, probes: number) =>
    `${n(services, 'Dienst', 'Dienste')} mit ${n(probes, 'Prüfung', 'Prüfungen')}`,
  dataUntil: 'Datenstand (letzter Lauf)',
  /** After the title of a report whose period had not ended when it was made. */
  provisional: 'vorläufig',
  /** `time`: the moment the figures are from (`model.asOf`), as `localTime` gives it. */
  provisionalNote: (time: string) =>
    `Vorläufige Zahlen, Stand ${time}: Der Zeitraum war noch nicht zu Ende, als der Bericht erstellt wurde; spätere Läufe können die Zahlen ändern.`,
  /** A moment in the report's time zone, e.g. `2026-11-24, 07:00:13 Uhr (MEZ)`. */
  localTime: (date: string, time: string, zone: string) => `${date}, ${time} Uhr (${zone})`,
  noData: 'keine Daten',
  versions: 'Versionen',
  ruleProfile: 'Regelprofil',
  browser: 'Browser der Prüfungen',
  notRecorded: 'nicht erfasst',
  dataHash: 'Prüfsumme der Daten (SHA-256)',
  dataHashHint: 'Gleiche Daten ergeben denselben Bericht und dieselbe Prüfsumme.',
  contents: 'Inhalt',
  summaryHeading: 'Zusammenfassung',
  kpiHeading: 'Kennzahlen mit Veränderung zum Vorquartal',
  kpi: {
    services: 'Überwachte Dienste',
    servicesWithSevereIssues: 'Dienste mit offenen kritischen oder schweren Mängeln',
    openPatterns: 'Offene Mängelmuster (dedupliziert)',
    bitvCompliance: 'Erfüllte BITV-Formalien',
    accessibleDocuments: 'Barrierefreie Dokumente (PDF/UA, maschinelle Prüfung bestanden)',
    availability: 'Verfügbarkeit (ohne Wartungsfenster)',
    endToEndDigital: 'Dienste Ende-zu-Ende digital',
  } satisfies Record<Kpi['id'], string>,
  kpiColumns: {
    id: 'Schlüssel',
    kpi: 'Kennzahl',
    value: 'Wert',
    previous: 'Vorquartal',
    change: 'Veränderung',
    unit: 'Einheit',
  },
  better: 'besser',
  worse: 'schlechter',
  unchanged: 'unverändert',
  summaryText: (
    open: number,
    severeServices: number,
    services: number,
    fixed: number,
    added: number,
  ) =>
    `Am Ende des Zeitraums ${open === 1 ? 'ist 1 Mängelmuster' : `sind ${open} Mängelmuster`} offen; ${severeServices} von ${n(services, 'Dienst', 'Diensten')} ${severeServices === 1 ? 'hat' : 'haben'} mindestens einen kritischen oder schweren Mangel. Im Zeitraum ${fixed === 1 ? 'wurde' : 'wurden'} ${fixed} Muster behoben und ${added} ${added === 1 ? 'kam' : 'kamen'} neu oder erneut hinzu.`,
  /** Instead of the summary sentence and the actions when the period has no run at all. */
  summaryNoData:
    'Keine Daten im Zeitraum: Es liegt kein Lauf einer Prüfung vor. Der Bericht sagt daher nichts darüber, ob es Mängel gibt.',
  /** Instead of the summary sentence and the actions when no service was scanned for accessibility. */
  summaryNoneScanned:
    'Kein Dienst wurde im Zeitraum auf Barrierefreiheit geprüft. Der Bericht sagt daher nichts über offene Mängel.',
  /**
   * Above the summary sentence: what the figures cover. Services watched for part of the
   * period, services of the previous period no longer watched, and services whose scans
   * loaded no page are named, so that no figure reads as the whole county's.
   */
  watchedPartial: (list: string) =>
    `Nur einen Teil des Zeitraums überwacht; ihre Zahlen gelten für diese Zeit: ${list}.`,
  watchedFrom: (day: string) => `ab ${day}`,
  watchedUntil: (day: string) => `bis ${day}`,
  watchedDropped: (list: string) =>
    `Im Vorquartal überwacht, in diesem Zeitraum nicht mehr (in keiner Zahl dieses Zeitraums enthalten): ${list}.`,
  watchedDroppedItem: (service: string, day: string) => `${service}, letzter Lauf ${day}`,
  watchedScanFailed: (list: string) =>
    `Barrierefreiheitsprüfung ohne Ergebnis: Keine Prüfung im Zeitraum konnte eine Seite laden. Über offene Mängel dieser Dienste ist nichts bekannt (nicht 0): ${list}.`,
  /** The first three critical or serious measures of the ranking (see measures.ts). */
  actionsHeading: 'Wichtigste Maßnahmen',
  actionShared: (rule: RuleRef, services: number, occurrences: number) =>
    `Gemeinsame Komponente korrigieren – ${ruleRef(rule, 'Regel')}: behebt ${occurrences} Vorkommen in ${n(services, 'Dienst', 'Diensten')}.`,
  actionFix: (rule: RuleRef, service: string, days: number) =>
    `Mangel in ${service} beheben – ${ruleRef(rule, 'Regel')}: seit ${n(days, 'Tag', 'Tagen')} offen.`,
  /** After an action: its due date, whether it is overdue, and who answers for it. */
  actionDue: (due: string, daysOverdue: number | null, owners: string) =>
    `Frist ${due}${daysOverdue === null ? '' : `, überfällig seit ${n(daysOverdue, 'Tag', 'Tagen')}`}; verantwortlich: ${owners}.`,
  noActions: 'Keine offenen kritischen oder schweren Mängel.',
  disclaimer: (covered: number, total: number) =>
    `Automatisierte Prüfung deckt ${covered} von ${total} Erfolgskriterien der WCAG 2.1 (Stufen A und AA) nur teilweise ab; sie ersetzt keine vertiefte Prüfung nach Durchführungsbeschluss (EU) 2018/1524, Anhang I Nr. 1.2.`,
  methodHeading: 'Methodik',
  methodLegal:
    'Rechtsgrundlagen: Richtlinie (EU) 2016/2102, Durchführungsbeschluss (EU) 2018/1524, BITV 2.0 (§§ 3, 4, 7), EN 301 549 und die Landesgesetze (in Baden-Württemberg L-BGG § 10).',
  methodProcedure:
    'Verfahren: ozgwatch ruft die Dienste nach festem Zeitplan mit einem echten Browser (Chromium) auf, prüft jede besuchte Seite mit axe-core, liest die BITV-Formalien, klassifiziert verlinkte Dokumente und sucht Medienbrüche. Anfragen, die Daten verändern würden, werden blockiert: kein Antrag wird abgeschickt. Je Host gilt eine Obergrenze gleichzeitiger Anfragen.',
  methodPatterns:
    'Zählweise: Ein Mängelmuster ist eine Regel an einer gleich aufgebauten Komponente; dieselbe fehlerhafte Komponente auf vielen Seiten eines Dienstes zählt einmal. Ein Muster ist offen, solange eines seiner Vorkommen bei der letzten Prüfung seiner Seite noch gefunden wurde. Ein Vorkommen auf einer Seite, die seine Prüfung in den 7 Tagen vor ihrem letzten Lauf im Zeitraum nicht mehr aufgerufen hat (etwa eine entfernte oder umgezogene Seite), ist ab seinem letzten Fund „nicht mehr geprüft“: weder offen noch behoben. Ausnahmen (Waiver) werden getrennt gezählt. Es gelten die Ausnahmen, die der neueste Lauf jeder Prüfung im Zeitraum angewandt hat, der eine Seite laden konnte; sie gelten auch für die Zahlen des Vorquartals.',
  methodAvailability:
    'Verfügbarkeit: Anteil erfolgreicher Läufe der HTTP- und Browser-Prüfungen; Läufe in Wartungsfenstern und Läufe, die ozgwatch selbst nicht durchführen konnte, zählen nicht.',
  methodLimits:
    'Grenzen: Eingebettete Inhalte fremder Herkunft, CAPTCHAs und Schritte hinter dem Absenden prüft ozgwatch nicht. Der Reifegrad ist eine Schätzung aus Sicht der Bürgerinnen und Bürger; Kriterien im Hintergrund (Fachverfahren, Registerabrufe) sind nicht sichtbar.',
  coverageHeading: 'Abdeckung der Erfolgskriterien (EN 301 549 Kapitel 9)',
  coverageColumns: {
    clause: 'EN-Abschnitt',
    sc: 'WCAG',
    title: 'Erfolgskriterium',
    level: 'Stufe',
    coverage: 'Prüfung',
    rules: 'axe-Regeln',
  },
  coveragePartial: 'teilweise automatisiert',
  coverageManual: 'nur manuell',
  bitvHeading: 'BITV-Formalien je Dienst',
  bitvIntro:
    'Die Signale stammen aus der letzten Prüfung im Zeitraum, die die Startseite laden konnte („geprüft am“). Konnte eine spätere Prüfung die Startseite nicht laden (Status 400 oder höher, oder keine Antwort), steht der Tag der letzten solchen Prüfung unter „danach nicht erreichbar“, sonst „nein“. ✓ erfüllt, ✗ nicht erfüllt, – nicht geprüft.',
  /** When a check that reached the service ran, and the last one after it that did not (BITV and media breaks). */
  checkColumns: { checkedAt: 'geprüft am', notReachedAt: 'danach nicht erreichbar' },
  signal: {
    statement_link: 'Erklärung verlinkt (Startseite)',
    statement_every_page: 'Erklärung auf jeder Seite verlinkt',
    statement_reachable: 'Erklärung erreichbar',
    statement_contents: 'Pflichtangaben der Erklärung',
    statement_current: 'Erklärung aktuell',
    feedback: 'Feedback-Mechanismus',
    schlichtung: 'Schlichtungsstelle genannt',
    leichte_sprache: 'Leichte Sprache',
    dgs: 'Gebärdensprache (DGS)',
    lang_matches: 'Sprache ausgezeichnet',
  } as Record<string, string>,
  statementAge: 'Alter der Erklärung (Tage)',
  findingsHeading: 'Technische Prüfergebnisse (WCAG / EN 301 549)',
  byImpactHeading: 'Offene Mängelmuster nach Schwere',
  impact: {
    critical: 'kritisch',
    serious: 'schwer',
    moderate: 'mittel',
    minor: 'gering',
  } as Record<string, string>,
  impactColumn: 'Schwere',
  patternsColumn: 'Muster',
  byPrincipleHeading: 'Offene Mängelmuster nach WCAG-Prinzip',
  principle: { '1': 'Wahrnehmbar', '2': 'Bedienbar', '3': 'Verständlich', '4': 'Robust' } as Record<
    string,
    string
  >,
  principleColumn: 'Prinzip',
  principleNote:
    'Ein Muster zählt bei jedem Prinzip, dem seine Regel zugeordnet ist; Regeln ohne WCAG-Bezug (Best Practice) zählen bei keinem.',
  byClauseHeading: 'Offene Mängelmuster nach Abschnitt der EN 301 549',
  topRulesHeading: 'Häufigste Regeln',
  ruleColumns: {
    rule: 'Regel',
    help: 'Beschreibung',
    impact: 'Schwere',
    wcag: 'WCAG',
    en: 'EN 301 549',
    patterns: 'Muster',
    occurrences: 'Vorkommen',
    services: 'Dienste',
    serviceList: 'Betroffene Dienste',
  },
  journeysHeading: 'Prozesse (Journeys)',
  journeysIntro:
    'Letzter Lauf jeder Journey im Zeitraum. Fehler- und Bestätigungsseiten sind nach Durchführungsbeschluss (EU) 2018/1524 Anhang I Nr. 1.2.2 und 1.2.3 Teil der Prüfung; eine Journey deckt sie ab, wenn sie sie mit einem Scan-Schritt prüft.',
  journeyColumns: {
    journey: 'Journey',
    steps: 'Schritte',
    scanSteps: 'geprüfte Schritte',
    pages: 'geprüfte Seiten',
    severe: 'Schritte mit kritischen oder schweren Mängeln',
    error: 'Fehlerseite geprüft',
    confirmation: 'Bestätigungsseite geprüft',
    blocked: 'blockierte Anfragen',
  },
  yes: 'ja',
  no: 'nein',
  documentsHeading: 'Dokumente (PDF- und Office-Formulare)',
  documentColumns: {
    url: 'Dokument',
    format: 'Format',
    class: 'Klasse',
    pdfua: 'PDF/UA erklärt',
    pdfuaChecks: 'PDF/UA maschinell geprüft',
    lang: 'Sprache',
    title: 'Titel',
    formFields: 'Formularfelder',
    formFieldsUnnamed: 'davon ohne Namen für Screenreader',
    pages: 'Seiten',
  },
  /** A PDF/UA claim: the machine checks passed, failed (with clauses of ISO 14289-1) or not run. */
  pdfuaChecks: {
    passed: 'bestanden',
    failed: (clauses: string) => `nicht bestanden (${clauses})`,
    unchecked: 'nicht geprüft',
  },
  documentClass: {
    scanned: 'eingescannt (nur Bild)',
    untagged: 'ohne Struktur',
    tagged: 'getaggt',
    pdfua: 'PDF/UA',
    unchecked: 'nicht prüfbar (Word 97–2003)',
    broken: 'nicht lesbar',
  } as Record<string, string>,
  documentClassesHeading: 'Dokumente nach Klasse',
  changesHeading: 'Veränderungen im Quartal',
  changesIntro:
    'Bilanz der Mängelmuster: offen zu Beginn + neu + wieder aufgetreten − behoben − nicht mehr geprüft = offen am Ende. Muster, die im Zeitraum auftraten und behoben wurden, sind gesondert gezählt.',
  changeLabels: {
    openAtStart: 'offen zu Beginn',
    new: 'neu',
    reopened: 'wieder aufgetreten',
    fixed: 'behoben',
    unchecked: 'nicht mehr geprüft',
    openAtEnd: 'offen am Ende',
    persisting: 'davon durchgehend offen',
    transient: 'aufgetreten und im Zeitraum behoben',
  },
  medianFixHeading: 'Mittlere Dauer bis zur Behebung (Median, Tage)',
  oldestHeading: 'Älteste offene kritische und schwere Mängel',
  oldestColumns: {
    rule: 'Regel',
    impact: 'Schwere',
    page: 'Seite',
    firstSeen: 'zuerst gesehen',
    age: 'Alter (Tage)',
  },
  sharedHeading: 'Gemeinsame Komponenten',
  sharedIntro:
    'Muster, die in mindestens zwei Diensten offen sind: eine Korrektur an der gemeinsamen Komponente behebt alle Vorkommen.',
  sharedColumns: {
    rule: 'Regel',
    impact: 'Schwere',
    services: 'Dienste',
    occurrences: 'Vorkommen',
    html: 'Komponente (HTML)',
    serviceList: 'Dienste',
  },
  reviewHeading: 'Prüfbedarf und Ausnahmen',
  reviewIntro:
    'Ergebnisse, die axe-core nicht selbst entscheiden kann („incomplete“): eine Person muss sie prüfen.',
  reviewColumns: { rule: 'Regel', help: 'Beschreibung', pages: 'Seiten', nodes: 'Elemente' },
  criteriaColumn: 'WCAG-Erfolgskriterium',
  affectedColumn: 'Schließt vor allem aus',
  waiversHeading: 'Ausnahmen (Waiver)',
  waiverColumns: {
    rule: 'Regel',
    reason: 'Begründung',
    owner: 'Verantwortlich',
    expires: 'gültig bis',
    nodes: 'Elemente',
  },
  mediaHeading: 'Medienbrüche und Reifegrad (Ende-zu-Ende digital)',
  mediaIntro:
    'Geschätzter OZG-Reifegrad (0–4) aus Sicht der Bürgerinnen und Bürger und die gefundenen Medienbrüche mit ihrem Beleg, aus der letzten Prüfung im Zeitraum, die den Dienst erreichte („geprüft am“); „danach nicht erreichbar“ wie bei den BITV-Formalien.',
  mediaColumns: {
    level: 'Reifegrad',
    levelBefore: 'Vorquartal',
    e2e: 'Ende-zu-Ende digital',
    breaks: 'Medienbrüche',
    breakKinds: 'Arten der Medienbrüche (Codes)',
    legallyMandated: 'gesetzlich vorgeschrieben (Codes)',
    appeared: 'neu im Zeitraum',
    disappeared: 'entfallen im Zeitraum',
  },
  legallyMandated: 'gesetzlich vorgeschrieben',
  mediaKind: {
    'paper-form': 'Papierformular',
    'handwritten-signature': 'Unterschrift von Hand',
    'postal-submission': 'Einreichung per Post',
    'fax-submission': 'Einreichung per Fax',
    'email-submission': 'Einreichung per E-Mail',
    'in-person': 'persönliches Erscheinen',
    'original-documents': 'Originaldokumente',
    'manual-payment': 'Zahlung vor Ort oder per Überweisung',
    'paper-decision': 'Bescheid auf Papier',
    'scanned-pdf': 'eingescanntes PDF',
  } as Record<string, string>,
  availabilityHeading: 'Verfügbarkeit je Dienst',
  availabilityColumns: {
    runs: 'Läufe',
    ok: 'erfolgreich',
    errors: 'nicht durchführbar',
    maintenance: 'in Wartungsfenstern',
    availability: 'Verfügbarkeit',
  },
  weekColumn: 'Woche ab',
  appendixHeading: 'Anhang: alle Befunde im Zeitraum',
  appendixColumns: {
    rule: 'Regel',
    impact: 'Schwere',
    page: 'Seite',
    selector: 'Element',
    state: 'Stand am Ende',
    firstSeen: 'zuerst gesehen',
    fixedAt: 'behoben am',
    reopened: 'wieder aufgetreten',
  },
  findingState: {
    open: 'offen',
    fixed: 'behoben',
    waived: 'Ausnahme',
    unchecked: 'nicht mehr geprüft',
  } as Record<string, string>,
  appendixCut: (shown: number, total: number, csv: string) =>
    `Die gedruckte Fassung zeigt die ersten ${shown} von ${total} Befunden; alle stehen in der HTML-Fassung und in ${csv}.`,
  dataQualityHeading: 'Datenqualität',
  dataQuality: {
    pagesNotScanned: 'Seiten, die bei der letzten Prüfung nicht geprüft werden konnten',
    errorRuns: 'Läufe, die ozgwatch nicht durchführen konnte',
    blockedRequests: 'blockierte datenverändernde Anfragen (letzter Lauf)',
  },
  scanState: { scanned: 'ja', failed: 'ohne Ergebnis', none: 'nein' },
  servicesHeading: 'Dienste im Überblick',
  serviceColumns: {
    county: 'Gebiet',
    service: 'Dienst',
    adminLevel: 'Verwaltungsebene',
    ags: 'AGS',
    probes: 'Prüfungen',
    availability: 'Verfügbarkeit',
    open: 'offene Muster',
    severe: 'davon kritisch/schwer',
    trend: 'Vorquartal',
    firstRun: 'erster Lauf',
    lastRun: 'letzter Lauf',
    scan: 'Barrierefreiheit geprüft',
    bitv: 'BITV-Formalien',
    documents: 'barrierefreie Dokumente (PDF/UA bestanden)',
    documentsTagged: 'getaggt (teilweise)',
    maturity: 'Reifegrad',
  },
  chartTrend: 'Offene Mängelmuster je Woche nach Schwere',
  chartTrendSummary: (first: number, last: number, firstWeek: string, lastWeek: string) =>
    `Offene Muster: ${first} in der Woche ab ${firstWeek}, ${last} in der Woche ab ${lastWeek}.`,
  chartRanked: 'Dienste nach offenen kritischen und schweren Mustern (höchstens 20)',
  chartRankedSummary: (top: string, n: number) =>
    n > 0
      ? `Die meisten kritischen und schweren Muster hat ${top} (${n}).`
      : 'Kein Dienst hat offene kritische oder schwere Muster.',
  chartHeatmap: 'Offene Mängelmuster je Dienst und WCAG-Prinzip',
  chartHeatmapSummary: (principle: string, n: number) =>
    `Die meisten offenen Muster betreffen das Prinzip „${principle}“ (${n}).`,
  chartDocuments: 'Dokumente nach Klasse',
  /** `accessible`: PDF/UA claimed and machine checks passed; `partial`: the other tagged files. */
  chartDocumentsSummary: (accessible: number, partial: number, total: number) =>
    `${accessible} von ${n(total, 'prüfbaren Dokument', 'prüfbaren Dokumenten')} ${accessible === 1 ? 'erklärt PDF/UA und besteht' : 'erklären PDF/UA und bestehen'} die maschinelle Prüfung; ${partial} ${partial === 1 ? 'weiteres ist' : 'weitere sind'} getaggt (teilweise barrierefrei).`,
  chartAvailability: 'Verfügbarkeit je Dienst (niedrigste 20)',
  chartAvailabilitySummary: (lowest: string, value: string) =>
    `Die niedrigste Verfügbarkeit hat ${lowest} (${value}).`,
  countColumn: 'Anzahl',
  dataTable: 'Daten zur Grafik',
  serviceColumn: 'Dienst',
  countyColumn: 'Gebiet',
  none: 'keine',
  notScanned: 'nicht geprüft (keine Barrierefreiheitsprüfung im Zeitraum)',
  footer: (version: string) =>
    `Erstellt mit ozgwatch ${version} aus dem Datenbestand der Überwachung.`,
  skipLink: 'Zum Inhalt springen',
  unit: { days: 'Tage' },
  adminLevels: 'Verwaltungsebenen',
  municipalities: 'Gebiete mit Gemeindeschlüssel (AGS)',
  /** `Kreis: 2 Dienste` */
  levelCount: (level: string, services: number) => `${level}: ${n(services, 'Dienst', 'Dienste')}`,
  adminLevel: {
    bund: 'Bund',
    land: 'Land',
    kreis: 'Kreis',
    gemeinde: 'Gemeinde',
    none: 'nicht angegeben',
  } as Record<string, string>,
  byLevelHeading: 'Dienste nach Verwaltungsebene',
  byLevelIntro:
    'Die Rangfolge der Dienste nach offenen kritischen und schweren Mustern, nach Verwaltungsebene getrennt: Jede Ebene verantwortet ihre Dienste selbst. Die Ebene steht in der Prüfung (Angabe adminLevel); Dienste ohne Angabe stehen unter „nicht angegeben“.',
  levelColumns: {
    level: 'Verwaltungsebene',
    services: 'Dienste',
    scanned: 'auf Barrierefreiheit geprüft',
    severeServices: 'mit kritischen oder schweren Mängeln',
    severePatterns: 'offene kritische und schwere Muster',
  },
  measuresHeading: 'Empfehlungen und Maßnahmen',
  measuresIntro:
    'Jedes offene Mängelmuster ist eine Maßnahme: die Korrektur einer fehlerhaften Komponente, bei einer gemeinsamen Komponente in allen betroffenen Diensten auf einmal. Die Priorität ist Gewicht der Schwere (kritisch 4, schwer 3, mittel 2, gering 1) × Reichweite (betroffene Dienste + offene Vorkommen) × (1 + Alter in Tagen / 90). Verantwortlich ist, wer in den Prüfungen der betroffenen Dienste als zuständig eingetragen ist (Angabe owner); Dienste, in deren Prüfungen niemand eingetragen ist, stehen unter „Dienste ohne Verantwortliche“. Die Frist beginnt mit dem ersten Fund des Musters. Die Liste ist die Grundlage für die Maßnahmen- und Zeitpläne der Behörde (§ 12c BGG).',
  /** `list`: the deadlines per impact, e.g. `kritisch 30 Tage, schwer 90 Tage`. */
  measuresDeadlines: (list: string) => `Fristen ab dem ersten Fund: ${list}.`,
  deadlineItem: (impact: string, days: number) => `${impact} ${n(days, 'Tag', 'Tage')}`,
  /** After the top actions: where the whole list is. */
  measuresPointer: (total: number, overdue: number) =>
    total === 1
      ? `Die Maßnahme steht mit Zuständigkeit und Frist im Abschnitt „Empfehlungen und Maßnahmen“; sie ist ${overdue === 1 ? 'überfällig' : 'in der Frist'}.`
      : `Alle ${total} Maßnahmen mit Zuständigkeit und Frist stehen im Abschnitt „Empfehlungen und Maßnahmen“; ${overdue === 0 ? 'keine ist' : overdue === 1 ? 'eine ist' : `${overdue} sind`} überfällig.`,
  measureColumns: {
    rank: 'Rang',
    rule: 'Regel',
    help: 'Beschreibung',
    criteria: 'WCAG-Erfolgskriterium',
    impact: 'Schwere',
    services: 'Dienste',
    serviceList: 'Betroffene Dienste',
    levels: 'Verwaltungsebene',
    occurrences: 'offene Vorkommen',
    pages: 'Seiten',
    html: 'Komponente (HTML)',
    firstSeen: 'zuerst gesehen',
    age: 'Alter (Tage)',
    priority: 'Priorität',
    owner: 'Verantwortlich',
    withoutOwner: 'Dienste ohne Verantwortliche',
    due: 'Frist',
    status: 'Stand der Frist',
    daysOverdue: 'Tage überfällig',
  },
  withinDeadline: 'in der Frist',
  overdueSince: (days: number) => `überfällig seit ${n(days, 'Tag', 'Tagen')}`,
  ownerNotSet: 'nicht festgelegt',
  /** After the owners of a shared component: the services for which nobody is entered. */
  ownerNotSetFor: (services: string) => `nicht festgelegt für ${services}`,
  glossaryHeading: 'Anhang: Begriffe',
  glossaryIntro: 'Die Begriffe, die dieser Bericht verwendet.',
  glossary: [
    [
      'BITV 2.0',
      'Barrierefreie-Informationstechnik-Verordnung des Bundes: welche Anforderungen Websites und Apps öffentlicher Stellen erfüllen müssen; die Länder verweisen auf sie oder haben eigene Regeln (in Baden-Württemberg das L-BGG).',
    ],
    [
      'WCAG',
      'Web Content Accessibility Guidelines des W3C, hier Version 2.1: Erfolgskriterien in den Stufen A und AA, geordnet nach vier Prinzipien (wahrnehmbar, bedienbar, verständlich, robust).',
    ],
    [
      'EN 301 549',
      'Europäische Norm für barrierefreie Informationstechnik; ihr Kapitel 9 übernimmt die WCAG-Erfolgskriterien für Websites (9.1.1.1 ist WCAG 1.1.1).',
    ],
    ['Erfolgskriterium', 'Eine prüfbare Anforderung der WCAG, etwa 1.4.3 Kontrast (Minimum).'],
    [
      'axe-core',
      'Das Prüfprogramm, mit dem ozgwatch jede besuchte Seite prüft. Es deckt nur einen Teil der Erfolgskriterien ab.',
    ],
    [
      'Mängelmuster (Muster)',
      'Eine Regel, die an gleich aufgebauten Komponenten eines Dienstes verletzt ist; dieselbe fehlerhafte Komponente auf vielen Seiten zählt einmal.',
    ],
    [
      'Vorkommen (Befund)',
      'Eine einzelne Stelle auf einer Seite, an der ein Muster auftritt; der Anhang „alle Befunde“ listet jedes.',
    ],
    [
      'Gemeinsame Komponente',
      'Ein Baustein, der in mehreren Diensten gleich vorkommt, etwa ein Cookie-Banner oder eine Vorlage des Redaktionssystems: Eine Korrektur an ihm behebt das Muster in allen diesen Diensten.',
    ],
    [
      'Schwere',
      'Wie stark ein Mangel Menschen ausschließt, nach axe-core: kritisch (blockiert), schwer, mittel, gering.',
    ],
    [
      'Ausnahme (Waiver)',
      'Ein Befund, den eine verantwortliche Person mit Begründung und Ablaufdatum hingenommen hat; er zählt nicht als offen, steht aber im Ausnahmen-Register.',
    ],
    [
      'Prüfbedarf',
      'Ergebnisse, die axe-core nicht selbst entscheiden kann („incomplete“); eine Person muss sie prüfen.',
    ],
    [
      'Prüfung',
      'Eine in ozgwatch eingerichtete, regelmäßig laufende Überwachung eines Dienstes: Erreichbarkeit, Barrierefreiheit (axe-core), BITV-Formalien, Medienbrüche oder eine Journey. In ihr stehen die Verwaltungsebene (adminLevel) und wer verantwortlich ist (owner).',
    ],
    [
      'Journey',
      'Ein Antragsweg, den ozgwatch Schritt für Schritt im Browser durchläuft, ohne etwas abzuschicken; Scan-Schritte prüfen dabei auch Fehler- und Bestätigungsseiten.',
    ],
    [
      'Screenreader',
      'Ein Programm, das blinden und sehbehinderten Menschen den Inhalt des Bildschirms vorliest oder in Braille ausgibt.',
    ],
    [
      'Erklärung zur Barrierefreiheit',
      'Die Seite, auf der eine öffentliche Stelle sagt, wie barrierefrei ihr Angebot ist, was nicht barrierefrei ist und wie man Mängel melden kann (BITV 2.0 § 7).',
    ],
    [
      'Schlichtungsstelle',
      'Die Stelle, an die sich Menschen wenden können, wenn eine Behörde auf eine Meldung nicht oder nicht ausreichend antwortet.',
    ],
    [
      'Leichte Sprache',
      'Eine besonders leicht verständliche Form des Deutschen mit festen Regeln (kurze Sätze, eine Aussage je Satz, schwere Wörter erklärt), für Menschen mit Lernschwierigkeiten (BITV 2.0 § 4).',
    ],
    [
      'DGS',
      'Deutsche Gebärdensprache: Informationen als Video in Gebärdensprache, für gehörlose Menschen (BITV 2.0 § 4).',
    ],
    [
      'PDF/UA',
      'PDF/Universal Accessibility (ISO 14289-1): die Norm für barrierefreie PDF-Dateien. ozgwatch prüft die maschinell prüfbaren Anforderungen; eine Person muss den Rest prüfen.',
    ],
    [
      'getaggtes PDF',
      'Ein PDF mit Strukturbaum (Überschriften, Absätze, Tabellen), den Screenreader vorlesen können; ohne PDF/UA-Erklärung nur teilweise barrierefrei.',
    ],
    [
      'Reifegrad',
      'Wie weit ein Dienst nach dem OZG-Reifegradmodell 1.1 (Stufen 0 bis 4) digital ist, aus Sicht der Bürgerinnen und Bürger geschätzt; ab Stufe 3 (Online-Leistung: Antrag samt Nachweisen online) gilt ein Dienst als OZG-konform.',
    ],
    [
      'Medienbruch',
      'Ein Schritt, der die Antragstellenden zwingt, den digitalen Weg zu verlassen: Unterschrift von Hand, Einreichung per Post, Fax oder E-Mail, persönliches Erscheinen, Originaldokumente, Zahlung vor Ort, Bescheid nur auf Papier. Ein Papierweg, der nur als Alternative zu einem vollständigen Online-Weg angeboten wird, ist keiner.',
    ],
    [
      'Ende-zu-Ende digital',
      'Ein Dienst, der vom Antrag bis zum Bescheid ohne Medienbruch auskommt.',
    ],
    [
      'AGS',
      'Amtlicher Gemeindeschlüssel: die achtstellige Nummer einer Gemeinde; für einen Kreis steht sein fünfstelliger Kreisschlüssel, mit 000 aufgefüllt (08117000).',
    ],
    ['Verwaltungsebene', 'Wer einen Dienst anbietet: Bund, Land, Kreis oder Gemeinde.'],
    [
      'Wartungsfenster',
      'Eine angekündigte Zeit, in der ein Dienst gewartet wird; Läufe darin zählen nicht zur Verfügbarkeit.',
    ],
    [
      'Maßnahme, Frist, überfällig',
      'Die Korrektur eines offenen Musters; sie ist ab dem ersten Fund des Musters in einer Frist je Schwere fällig. Überfällig ist sie, wenn die Frist vor dem Stichtag des Berichts abgelaufen ist: dem letzten Tag des Zeitraums, solange er läuft dem Tag des Datenstands.',
    ],
    [
      'Prüfsumme',
      'Eine Zahl, die aus den Daten des Berichts berechnet ist: Gleiche Daten ergeben dieselbe Prüfsumme.',
    ],
  ] as [term: string, meaning: string][],
  easyReadHeading: 'Anhang: Zusammenfassung in Leichter Sprache',
  easyReadNote:
    'Dieser Teil ist in Leichter Sprache. Leichte Sprache hat kurze Sätze und erklärt schwere Wörter.',
  easyRead: (f: EasyReadFigures): string[] => {
    const problems = (k: number) => n(k, 'Problem', 'Probleme');
    const out = [
      'Dieser Bericht ist über Barriere-Freiheit.',
      'Barriere-Freiheit heißt: Alle Menschen können eine Internet-Seite gut benutzen.',
      'Auch Menschen mit Behinderung können die Seite gut benutzen.',
      `Der Bericht ist für diese Zeit: ${f.from} bis ${f.to}.`,
      'Ein Online-Dienst ist ein Angebot im Internet.',
      'Dort können Sie zum Beispiel einen Antrag stellen.',
    ];
    if (f.noData) {
      out.push('In dieser Zeit gab es keine Prüfung.', 'Deshalb wissen wir nichts über Probleme.');
      return out;
    }
    if (f.open === null) {
      out.push(
        `Wir beobachten ${n(f.services, 'Online-Dienst', 'Online-Dienste')}.`,
        'Ein Computer-Programm hat in dieser Zeit keinen Online-Dienst auf Barriere-Freiheit geprüft.',
        'Deshalb wissen wir nichts über Probleme.',
      );
      return out;
    }
    if (f.services > f.scanned)
      out.push(`Wir beobachten ${n(f.services, 'Online-Dienst', 'Online-Dienste')}.`);
    out.push(
      `Ein Computer-Programm hat ${n(f.scanned, 'Online-Dienst', 'Online-Dienste')} auf Barriere-Freiheit geprüft.`,
      `Am ${f.openOn} gab es ${problems(f.open)}.`,
      `${f.severeServices} von ${n(f.scanned, 'Online-Dienst', 'Online-Diensten')} ${f.severeServices === 1 ? 'hat' : 'haben'} schwere Probleme.`,
      // Serious, not only critical: "gar nicht" alone would overstate what axe calls serious.
      'Schwere Probleme heißt: Manche Menschen können den Online-Dienst schlecht benutzen.',
      'Oder sie können ihn gar nicht benutzen.',
    );
    if (f.openBefore !== null) {
      // Days, not "the 3 months before": a report of any range of days has a comparison
      // period as long, and a running quarter has no end yet.
      out.push(
        `Am ${f.openBeforeOn} gab es ${problems(f.openBefore)}.`,
        f.open > f.openBefore
          ? 'Jetzt gibt es also mehr Probleme.'
          : f.open < f.openBefore
            ? 'Jetzt gibt es also weniger Probleme.'
            : 'Jetzt gibt es also gleich viele Probleme.',
      );
    }
    if (f.fixed > 0) out.push(`In dieser Zeit hat die Verwaltung ${problems(f.fixed)} gelöst.`);
    if (f.measures > 0) {
      out.push(`Die Verwaltung hat ${n(f.measures, 'Aufgabe', 'Aufgaben')} für die Probleme.`);
      // Fewer tasks than problems needs saying, or the reader counts one against the other.
      if (f.measures < f.open)
        out.push(
          'Manche Probleme gibt es in mehreren Online-Diensten.',
          'Dann reicht 1 Aufgabe für alle diese Online-Dienste.',
        );
      out.push(
        'Jede Aufgabe hat einen Termin.',
        'Bis zu diesem Termin soll die Verwaltung die Aufgabe erledigen.',
        f.overdue === 0
          ? 'Für alle Aufgaben ist noch Zeit.'
          : `Bei ${f.overdue} von ${f.measures} Aufgaben ist der Termin schon vorbei.`,
      );
    }
    out.push(
      'Das Computer-Programm findet nur einen Teil von den Problemen.',
      'Deshalb müssen Menschen die Seiten auch selbst prüfen.',
    );
    return out;
  },
  /** A date in words, for the Leichte Sprache summary: `1. Oktober 2026`. */
  longDate: (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number);
    const months = [
      'Januar',
      'Februar',
      'März',
      'April',
      'Mai',
      'Juni',
      'Juli',
      'August',
      'September',
      'Oktober',
      'November',
      'Dezember',
    ];
    return `${d}. ${months[(m ?? 1) - 1]} ${y}`;
  },
};

export type Texts = typeof de;

const en: Texts = {
  title: 'Quarterly accessibility report',
  subtitle: (period) => `Automated monitoring of online services, ${period}`,
  metaHeading: 'About this report',
  period: 'Period',
  timeZone: 'Time zone',
  scope: 'Scope',
  scopeAll: 'all monitored services',
  scopeCounty: 'Area',
  scopeService: 'Service',
  servicesAndProbes: (services, probes) =>
    `${n(services, 'service', 'services')} with ${n(probes, 'probe', 'probes')}`,
  dataUntil: 'Data as of (newest run)',
  provisional: 'provisional',
  provisionalNote: (time) =>
    `Provisional figures, as of ${time}: the period had not ended when the report was made; later runs may change them.`,
  localTime: (date, time, zone) => `${date} ${time} (${zone})`,
  noData: 'no data',
  versions: 'Versions',
  ruleProfile: 'Rule profile',
  browser: 'Browser of the checks',
  notRecorded: 'not recorded',
  dataHash: 'Checksum of the data (SHA-256)',
  dataHashHint: 'The same data gives the same report and the same checksum.',
  contents: 'Contents',
  summaryHeading: 'Summary',
  kpiHeading: 'Key figures and change against the previous quarter',
  kpi: {
    services: 'Services monitored',
    servicesWithSevereIssues: 'Services with open critical or serious issues',
    openPatterns: 'Open issue patterns (deduplicated)',
    bitvCompliance: 'BITV formal requirements met',
    accessibleDocuments: 'Accessible documents (PDF/UA, machine checks passed)',
    availability: 'Availability (maintenance excluded)',
    endToEndDigital: 'Services end-to-end digital',
  },
  kpiColumns: {
    id: 'Key',
    kpi: 'Figure',
    value: 'Value',
    previous: 'Previous quarter',
    change: 'Change',
    unit: 'Unit',
  },
  better: 'better',
  worse: 'worse',
  unchanged: 'unchanged',
  summaryText: (open, severeServices, services, fixed, added) =>
    `At the end of the period ${open === 1 ? '1 issue pattern is' : `${open} issue patterns are`} open; ${severeServices} of ${n(services, 'service', 'services')} ${severeServices === 1 ? 'has' : 'have'} at least one critical or serious issue. During the period ${fixed === 1 ? '1 pattern was' : `${fixed} patterns were`} fixed and ${added} ${added === 1 ? 'was' : 'were'} new or came back.`,
  summaryNoData:
    'No data in the period: no probe ran in it. The report therefore says nothing about whether there are issues.',
  summaryNoneScanned:
    'No service was scanned for accessibility in the period. The report therefore says nothing about open issues.',
  watchedPartial: (list) =>
    `Watched for part of the period only; their figures are for that part: ${list}.`,
  watchedFrom: (day) => `from ${day}`,
  watchedUntil: (day) => `until ${day}`,
  watchedDropped: (list) =>
    `Watched in the previous period, no longer in this one (in none of this period's figures): ${list}.`,
  watchedDroppedItem: (service, day) => `${service}, last run ${day}`,
  watchedScanFailed: (list) =>
    `Accessibility scans without a result: no scan in the period could load a page. Nothing is known about these services' open issues (not 0): ${list}.`,
  actionsHeading: 'Top actions',
  actionShared: (rule, services, occurrences) =>
    `Fix the shared component – ${ruleRef(rule, 'rule')}: clears ${n(occurrences, 'occurrence', 'occurrences')} in ${n(services, 'service', 'services')}.`,
  actionFix: (rule, service, days) =>
    `Fix the issue in ${service} – ${ruleRef(rule, 'rule')}: open for ${n(days, 'day', 'days')}.`,
  actionDue: (due, daysOverdue, owners) =>
    `Due ${due}${daysOverdue === null ? '' : `, overdue by ${n(daysOverdue, 'day', 'days')}`}; owner: ${owners}.`,
  noActions: 'No open critical or serious issues.',
  disclaimer: (covered, total) =>
    `Automated checks cover ${covered} of ${total} WCAG 2.1 success criteria (levels A and AA) only in part; they do not replace an in-depth review under Commission Implementing Decision (EU) 2018/1524, Annex I 1.2.`,
  methodHeading: 'Method',
  methodLegal:
    'Legal basis: Directive (EU) 2016/2102, Implementing Decision (EU) 2018/1524, BITV 2.0 (§§ 3, 4, 7), EN 301 549 and the state laws (in Baden-Württemberg L-BGG § 10).',
  methodProcedure:
    'Procedure: ozgwatch opens the services on a fixed schedule in a real browser (Chromium), checks every page visited with axe-core, reads the BITV formal signals, classifies linked documents and looks for media breaks. Requests that would change data are blocked: no application is ever submitted. Each host has a limit of concurrent requests.',
  methodPatterns:
    'Counting: an issue pattern is one rule failing on components of the same build; the same broken component on many pages of a service counts once. A pattern is open while any of its occurrences was still found at the last check of its page. An occurrence on a page its probe has not visited in the 7 days before the probe\'s last run in the period (a page removed or moved, say) is "no longer checked" from its last sighting on: neither open nor fixed. Waived findings are counted apart. The waivers are those the newest run of each probe in the period that loaded a page applied; they apply to the previous quarter\'s figures too.',
  methodAvailability:
    'Availability: share of successful runs of HTTP and browser probes; runs in maintenance windows and runs ozgwatch itself could not carry out do not count.',
  methodLimits:
    'Limits: embedded content from other origins, CAPTCHAs and steps after submission are not checked. The maturity level is an estimate from the citizen side; back-office criteria (case systems, register queries) are not visible.',
  coverageHeading: 'Coverage of the success criteria (EN 301 549 clause 9)',
  coverageColumns: {
    clause: 'EN clause',
    sc: 'WCAG',
    title: 'Success criterion',
    level: 'Level',
    coverage: 'Checked',
    rules: 'axe rules',
  },
  coveragePartial: 'partly automated',
  coverageManual: 'manual only',
  bitvHeading: 'BITV formal requirements per service',
  bitvIntro:
    'The signals are from the last check in the period that loaded the start page ("checked on"). When a later check could not load the start page (status 400 or higher, or no answer), the date of the last such check is under "not reachable afterwards", otherwise "no". ✓ met, ✗ not met, – not checked.',
  checkColumns: { checkedAt: 'checked on', notReachedAt: 'not reachable afterwards' },
  signal: {
    statement_link: 'Statement linked (home page)',
    statement_every_page: 'Statement linked on every page',
    statement_reachable: 'Statement reachable',
    statement_contents: 'Required contents of the statement',
    statement_current: 'Statement up to date',
    feedback: 'Feedback mechanism',
    schlichtung: 'Conciliation body named',
    leichte_sprache: 'Easy-to-read German',
    dgs: 'Sign language (DGS)',
    lang_matches: 'Language marked up',
  },
  statementAge: 'Age of the statement (days)',
  findingsHeading: 'Technical findings (WCAG / EN 301 549)',
  byImpactHeading: 'Open issue patterns by impact',
  impact: { critical: 'critical', serious: 'serious', moderate: 'moderate', minor: 'minor' },
  impactColumn: 'Impact',
  patternsColumn: 'Patterns',
  byPrincipleHeading: 'Open issue patterns by WCAG principle',
  principle: { '1': 'Perceivable', '2': 'Operable', '3': 'Understandable', '4': 'Robust' },
  principleColumn: 'Principle',
  principleNote:
    'A pattern counts for each principle its rule maps to; rules without a WCAG criterion (best practice) count for none.',
  byClauseHeading: 'Open issue patterns by EN 301 549 clause',
  topRulesHeading: 'Top rules',
  ruleColumns: {
    rule: 'Rule',
    help: 'Description',
    impact: 'Impact',
    wcag: 'WCAG',
    en: 'EN 301 549',
    patterns: 'Patterns',
    occurrences: 'Occurrences',
    services: 'Services',
    serviceList: 'Services affected',
  },
  journeysHeading: 'Processes (journeys)',
  journeysIntro:
    'Last run of each journey in the period. Error and confirmation pages are part of the review under Implementing Decision (EU) 2018/1524 Annex I 1.2.2 and 1.2.3; a journey covers them when a scan step checks them.',
  journeyColumns: {
    journey: 'Journey',
    steps: 'Steps',
    scanSteps: 'Steps scanned',
    pages: 'Pages scanned',
    severe: 'Steps with critical or serious issues',
    error: 'Error page scanned',
    confirmation: 'Confirmation page scanned',
    blocked: 'Blocked requests',
  },
  yes: 'yes',
  no: 'no',
  documentsHeading: 'Documents (PDF and office forms)',
  documentColumns: {
    url: 'Document',
    format: 'Format',
    class: 'Class',
    pdfua: 'Claims PDF/UA',
    pdfuaChecks: 'PDF/UA machine checks',
    lang: 'Language',
    title: 'Title',
    formFields: 'Form fields',
    formFieldsUnnamed: 'of them without a name for screen readers',
    pages: 'Pages',
  },
  pdfuaChecks: {
    passed: 'passed',
    failed: (clauses: string) => `failed (${clauses})`,
    unchecked: 'not checked',
  },
  documentClass: {
    scanned: 'scanned (image only)',
    untagged: 'untagged',
    tagged: 'tagged',
    pdfua: 'PDF/UA',
    unchecked: 'not checkable (Word 97–2003)',
    broken: 'unreadable',
  },
  documentClassesHeading: 'Documents by class',
  changesHeading: 'Changes in the quarter',
  changesIntro:
    'Balance of issue patterns: open at start + new + reopened − fixed − no longer checked = open at end. Patterns that appeared and were fixed within the period are counted apart.',
  changeLabels: {
    openAtStart: 'open at start',
    new: 'new',
    reopened: 'reopened',
    fixed: 'fixed',
    unchecked: 'no longer checked',
    openAtEnd: 'open at end',
    persisting: 'of which open throughout',
    transient: 'appeared and fixed within the period',
  },
  medianFixHeading: 'Median time to fix (days)',
  oldestHeading: 'Oldest open critical and serious issues',
  oldestColumns: {
    rule: 'Rule',
    impact: 'Impact',
    page: 'Page',
    firstSeen: 'First seen',
    age: 'Age (days)',
  },
  sharedHeading: 'Shared components',
  sharedIntro:
    'Patterns open on two services or more: one fix in the shared component clears every occurrence.',
  sharedColumns: {
    rule: 'Rule',
    impact: 'Impact',
    services: 'Services',
    occurrences: 'Occurrences',
    html: 'Component (HTML)',
    serviceList: 'Services',
  },
  reviewHeading: 'Needs review and waivers',
  reviewIntro:
    'Results axe-core cannot decide by itself ("incomplete"): a person has to review them.',
  reviewColumns: { rule: 'Rule', help: 'Description', pages: 'Pages', nodes: 'Elements' },
  criteriaColumn: 'WCAG success criterion',
  affectedColumn: 'Mainly shuts out',
  waiversHeading: 'Waivers',
  waiverColumns: {
    rule: 'Rule',
    reason: 'Reason',
    owner: 'Owner',
    expires: 'Valid until',
    nodes: 'Elements',
  },
  mediaHeading: 'Media breaks and maturity (end-to-end digital)',
  mediaIntro:
    'Estimated OZG maturity level (0–4) from the citizen side, and the media breaks found with their evidence, from the last check in the period that reached the service ("checked on"); "not reachable afterwards" as for the BITV formal requirements.',
  mediaColumns: {
    level: 'Maturity',
    levelBefore: 'Previous quarter',
    e2e: 'End-to-end digital',
    breaks: 'Media breaks',
    breakKinds: 'Kinds of media breaks (codes)',
    legallyMandated: 'required by law (codes)',
    appeared: 'Appeared in period',
    disappeared: 'Gone in period',
  },
  legallyMandated: 'required by law',
  mediaKind: {
    'paper-form': 'paper form',
    'handwritten-signature': 'handwritten signature',
    'postal-submission': 'submission by post',
    'fax-submission': 'submission by fax',
    'email-submission': 'submission by e-mail',
    'in-person': 'in person',
    'original-documents': 'original documents',
    'manual-payment': 'payment at the counter or by transfer',
    'paper-decision': 'decision on paper',
    'scanned-pdf': 'scanned PDF',
  },
  availabilityHeading: 'Availability per service',
  availabilityColumns: {
    runs: 'Runs',
    ok: 'Successful',
    errors: 'Could not run',
    maintenance: 'In maintenance',
    availability: 'Availability',
  },
  weekColumn: 'Week from',
  appendixHeading: 'Appendix: every finding in the period',
  appendixColumns: {
    rule: 'Rule',
    impact: 'Impact',
    page: 'Page',
    selector: 'Element',
    state: 'State at end',
    firstSeen: 'First seen',
    fixedAt: 'Fixed on',
    reopened: 'Reopened',
  },
  findingState: {
    open: 'open',
    fixed: 'fixed',
    waived: 'waived',
    unchecked: 'no longer checked',
  },
  appendixCut: (shown, total, csv) =>
    `The printed version shows the first ${shown} of ${total} findings; all of them are in the HTML version and in ${csv}.`,
  dataQualityHeading: 'Data quality',
  dataQuality: {
    pagesNotScanned: 'Pages that could not be scanned at the last check',
    errorRuns: 'Runs ozgwatch could not carry out',
    blockedRequests: 'Blocked data-changing requests (last run)',
  },
  scanState: { scanned: 'yes', failed: 'no result', none: 'no' },
  servicesHeading: 'Services at a glance',
  serviceColumns: {
    county: 'Area',
    service: 'Service',
    adminLevel: 'Level of administration',
    ags: 'AGS',
    probes: 'Probes',
    availability: 'Availability',
    open: 'Open patterns',
    severe: 'Of which critical/serious',
    trend: 'Previous quarter',
    firstRun: 'First run',
    lastRun: 'Last run',
    scan: 'Accessibility scanned',
    bitv: 'BITV formalities',
    documents: 'Accessible documents (PDF/UA passed)',
    documentsTagged: 'Tagged (partial)',
    maturity: 'Maturity',
  },
  chartTrend: 'Open issue patterns per week by impact',
  chartTrendSummary: (first, last, firstWeek, lastWeek) =>
    `Open patterns: ${first} in the week from ${firstWeek}, ${last} in the week from ${lastWeek}.`,
  chartRanked: 'Services by open critical and serious patterns (top 20)',
  chartRankedSummary: (top, n) =>
    n > 0
      ? `${top} has the most critical and serious patterns (${n}).`
      : 'No service has open critical or serious patterns.',
  chartHeatmap: 'Open issue patterns per service and WCAG principle',
  chartHeatmapSummary: (principle, n) =>
    `Most open patterns concern the principle "${principle}" (${n}).`,
  chartDocuments: 'Documents by class',
  chartDocumentsSummary: (accessible, partial, total) =>
    `${accessible} of ${n(total, 'checkable document', 'checkable documents')} ${accessible === 1 ? 'claims PDF/UA and passes' : 'claim PDF/UA and pass'} the machine checks; ${partial} more ${partial === 1 ? 'is' : 'are'} tagged (partly accessible).`,
  chartAvailability: 'Availability per service (lowest 20)',
  chartAvailabilitySummary: (lowest, value) => `${lowest} has the lowest availability (${value}).`,
  countColumn: 'Count',
  dataTable: 'Data of the chart',
  serviceColumn: 'Service',
  countyColumn: 'Area',
  none: 'none',
  notScanned: 'not checked (no accessibility scan in the period)',
  footer: (version) => `Made with ozgwatch ${version} from the monitoring data.`,
  skipLink: 'Skip to content',
  unit: { days: 'days' },
  adminLevels: 'Levels of administration',
  municipalities: 'Areas with a municipality key (AGS)',
  levelCount: (level, services) => `${level}: ${n(services, 'service', 'services')}`,
  adminLevel: {
    bund: 'Federal',
    land: 'State',
    kreis: 'County',
    gemeinde: 'Municipality',
    none: 'not given',
  },
  byLevelHeading: 'Services by level of administration',
  byLevelIntro:
    'The ranking of services by open critical and serious patterns, split by level of administration: each level answers for its own services. The level is set in the probes (field adminLevel); services without it are under "not given".',
  levelColumns: {
    level: 'Level of administration',
    services: 'Services',
    scanned: 'Scanned for accessibility',
    severeServices: 'With critical or serious issues',
    severePatterns: 'Open critical and serious patterns',
  },
  measuresHeading: 'Recommendations and measures',
  measuresIntro: `Every open issue pattern is one measure: fixing one broken component, for a shared component in every service affected at once. The priority is the weight of the impact (critical 4, serious 3, moderate 2, minor 1) × reach (services affected + open occurrences) × (1 + age in days / 90). The owners are those entered as responsible in the probes of the services affected (field owner); services whose probes name nobody are under "Services without owner". The deadline runs from the pattern's first sighting. The list is the basis for the public body's plan of measures and timetable (§ 12c BGG).`,
  measuresDeadlines: (list) => `Deadlines from the first sighting: ${list}.`,
  deadlineItem: (impact, days) => `${impact} ${n(days, 'day', 'days')}`,
  measuresPointer: (total, overdue) =>
    total === 1
      ? `The measure is in the section "Recommendations and measures" with owner and due date; it is ${overdue === 1 ? 'overdue' : 'within its deadline'}.`
      : `All ${total} measures with owner and due date are in the section "Recommendations and measures"; ${overdue === 0 ? 'none is' : `${overdue} ${overdue === 1 ? 'is' : 'are'}`} overdue.`,
  measureColumns: {
    rank: 'Rank',
    rule: 'Rule',
    help: 'Description',
    criteria: 'WCAG success criterion',
    impact: 'Impact',
    services: 'Services',
    serviceList: 'Services affected',
    levels: 'Level of administration',
    occurrences: 'Open occurrences',
    pages: 'Pages',
    html: 'Component (HTML)',
    firstSeen: 'First seen',
    age: 'Age (days)',
    priority: 'Priority',
    owner: 'Owner',
    withoutOwner: 'Services without owner',
    due: 'Due',
    status: 'Deadline',
    daysOverdue: 'Days overdue',
  },
  withinDeadline: 'within deadline',
  overdueSince: (days) => `overdue by ${n(days, 'day', 'days')}`,
  ownerNotSet: 'not set',
  ownerNotSetFor: (services) => `not set for ${services}`,
  glossaryHeading: 'Appendix: terms',
  glossaryIntro: 'The terms this report uses.',
  glossary: [
    [
      'BITV 2.0',
      "Germany's federal ordinance on accessible information technology: what websites and apps of public bodies must meet; the states refer to it or have rules of their own (in Baden-Württemberg the L-BGG).",
    ],
    [
      'WCAG',
      "The W3C's Web Content Accessibility Guidelines, here version 2.1: success criteria at levels A and AA, ordered by four principles (perceivable, operable, understandable, robust).",
    ],
    [
      'EN 301 549',
      'The European standard for accessible ICT; its clause 9 takes over the WCAG success criteria for websites (9.1.1.1 is WCAG 1.1.1).',
    ],
    ['Success criterion', 'One testable requirement of WCAG, such as 1.4.3 Contrast (Minimum).'],
    [
      'axe-core',
      'The engine ozgwatch checks every visited page with. It covers only part of the success criteria.',
    ],
    [
      'Issue pattern (pattern)',
      'One rule failing on components of the same build on one service; the same broken component on many pages counts once.',
    ],
    [
      'Occurrence (finding)',
      'One place on one page where a pattern occurs; the appendix "every finding" lists each.',
    ],
    [
      'Shared component',
      'A building block that appears the same way on several services, such as a cookie banner or a template of the content management system: one fix in it clears the pattern on all these services.',
    ],
    [
      'Impact',
      'How much an issue shuts people out, as axe-core rates it: critical (blocks), serious, moderate, minor.',
    ],
    [
      'Waiver',
      'A finding a responsible person accepted with a reason and an expiry; it does not count as open, and is listed in the waiver register.',
    ],
    [
      'Needs review',
      'Results axe-core cannot decide by itself ("incomplete"); a person has to review them.',
    ],
    [
      'Probe',
      'A regular check of a service set up in ozgwatch: availability, accessibility (axe-core), BITV formal requirements, media breaks or a journey. It names the level of administration (adminLevel) and who is responsible (owner).',
    ],
    [
      'Journey',
      'An application path that ozgwatch walks step by step in a browser without submitting anything; its scan steps also check error and confirmation pages.',
    ],
    [
      'Screen reader',
      'A program that reads the content of the screen out to blind and partially sighted people, or shows it in Braille.',
    ],
    [
      'Accessibility statement',
      'The page on which a public body says how accessible its offer is, what is not, and how to report barriers (BITV 2.0 § 7).',
    ],
    [
      'Conciliation body',
      'The office people can turn to when a public body does not answer a report of a barrier, or not enough.',
    ],
    [
      'Leichte Sprache (easy-to-read German)',
      'A form of German that is particularly easy to understand, with fixed rules (short sentences, one statement each, hard words explained), for people with learning difficulties (BITV 2.0 § 4).',
    ],
    [
      'DGS',
      'German Sign Language: information as video in sign language, for deaf people (BITV 2.0 § 4).',
    ],
    [
      'PDF/UA',
      'PDF/Universal Accessibility (ISO 14289-1): the standard for accessible PDF files. ozgwatch checks its machine-checkable requirements; a person has to check the rest.',
    ],
    [
      'Tagged PDF',
      'A PDF with a structure tree (headings, paragraphs, tables) screen readers can read out; without a PDF/UA claim only partly accessible.',
    ],
    [
      'Maturity level',
      "How digital a service is under the OZG maturity model 1.1 (stages 0 to 4), estimated from the citizen's side; from stage 3 (online service: application with all evidence online) a service counts as OZG-compliant.",
    ],
    [
      'Media break',
      'A step that forces applicants to leave the digital channel: a handwritten signature, sending by post, fax or e-mail, appearing in person, original documents, paying on site, a decision on paper only. A paper channel offered only as an alternative to a complete online path is none.',
    ],
    ['End-to-end digital', 'A service that needs no media break from application to decision.'],
    [
      'AGS',
      'Amtlicher Gemeindeschlüssel: the eight-digit key of a municipality; a county has its five-digit county key, filled up with 000 (08117000).',
    ],
    ['Level of administration', 'Who offers a service: federal, state, county or municipality.'],
    [
      'Maintenance window',
      'An announced time in which a service is being maintained; runs in it do not count towards availability.',
    ],
    [
      'Measure, due date, overdue',
      "Fixing one open pattern; it is due a set time per impact after the pattern's first sighting. It is overdue when that time ran out before the report's reference day: the last day of the period, or while the period runs the day of the data.",
    ],
    [
      'Checksum',
      "A number computed from the report's data: the same data gives the same checksum.",
    ],
  ],
  easyReadHeading: 'Appendix: summary in Easy Read',
  easyReadNote: 'This part is in Easy Read. Easy Read has short sentences and explains hard words.',
  easyRead: (f) => {
    const problems = (k: number) => n(k, 'problem', 'problems');
    const out = [
      'This report is about accessibility.',
      'Accessibility means: all people can use a website well.',
      'People with disabilities can use the website well too.',
      `The report is for this time: ${f.from} to ${f.to}.`,
      'An online service is an offer on the internet.',
      'There you can send an application, for example.',
    ];
    if (f.noData) {
      out.push('There was no check in this time.', 'So we know nothing about problems.');
      return out;
    }
    if (f.open === null) {
      out.push(
        `We watch ${n(f.services, 'online service', 'online services')}.`,
        'A computer program checked no online service for accessibility in this time.',
        'So we know nothing about problems.',
      );
      return out;
    }
    if (f.services > f.scanned)
      out.push(`We watch ${n(f.services, 'online service', 'online services')}.`);
    out.push(
      `A computer program checked ${n(f.scanned, 'online service', 'online services')} for accessibility.`,
      `On ${f.openOn} there ${f.open === 1 ? 'was' : 'were'} ${problems(f.open)}.`,
      `${f.severeServices} of ${n(f.scanned, 'online service', 'online services')} ${f.severeServices === 1 ? 'has' : 'have'} serious problems.`,
      'Serious problems means: the online service is hard to use for some people.',
      'Or they cannot use it at all.',
    );
    if (f.openBefore !== null) {
      out.push(
        `On ${f.openBeforeOn} there ${f.openBefore === 1 ? 'was' : 'were'} ${problems(f.openBefore)}.`,
        f.open > f.openBefore
          ? 'So now there are more problems.'
          : f.open < f.openBefore
            ? 'So now there are fewer problems.'
            : 'So now there are as many problems as before.',
      );
    }
    if (f.fixed > 0) out.push(`In this time the administration solved ${problems(f.fixed)}.`);
    if (f.measures > 0) {
      out.push(`The administration has ${n(f.measures, 'task', 'tasks')} for the problems.`);
      if (f.measures < f.open)
        out.push(
          'Some problems are in more than one online service.',
          'Then 1 task is enough for all these online services.',
        );
      out.push(
        'Each task has a date.',
        'The administration should finish the task by this date.',
        f.overdue === 0
          ? 'There is still time for all tasks.'
          : `${f.overdue} of ${f.measures} tasks ${f.overdue === 1 ? 'is past its' : 'are past their'} date.`,
      );
    }
    out.push(
      'The computer program finds only a part of the problems.',
      'So people must check the websites themselves too.',
    );
    return out;
  },
  longDate: (iso) => {
    const [y, m, d] = iso.split('-').map(Number);
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    return `${d} ${months[(m ?? 1) - 1]} ${y}`;
  },
};

export const TEXTS: Record<Lang, Texts> = { de, en };

export function parseLang(text: string): Lang {
  if (text === 'de' || text === 'en') return text;
  throw new Error(`--lang: expected de or en, got ${JSON.stringify(text)}`);
}
