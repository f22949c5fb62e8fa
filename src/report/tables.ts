/**
 * The report's tables, built once from the model: the HTML lays them out, the CSV and JSON
 * outputs carry them as they are. A chart always has one of these as its equivalent.
 *
 * Cells hold data, not words: an impact, a document class, a finding state or a coverage is
 * its code (`serious`, `pdfua`, `fixed`, `partial`), the same in every language, and the
 * column's `labels` give the HTML the words of the report's language.
 */
import { BITV_SIGNALS } from './collect.ts';
import { IMPACT_ORDER, type ByImpact, type ReportModel, type ServiceSummary } from './model.ts';
import type { Texts } from './texts.ts';
import { affectedPeople, criterionLabel, ruleHelp } from './rule-texts.ts';
import { PRINCIPLES, WCAG21_AA } from './wcag.ts';

/** `2.4.4 Linkzweck (im Kontext); 4.1.2 Name, Rolle, Wert`; null for best-practice rules. */
const criteria = (wcag: readonly string[], lang: 'de' | 'en'): string | null =>
  wcag.length > 0 ? wcag.map((sc) => criterionLabel(sc, lang)).join('; ') : null;

export type Cell = string | number | boolean | null;
/** `decimal`: a number with a fraction (days to fix), written the way of the report's language. */
export type ColumnFormat =
  'text' | 'int' | 'decimal' | 'percent' | 'date' | 'signal' | 'bool' | 'code' | 'url';

export interface Column {
  /** Stable machine name: the CSV header and the JSON key. */
  key: string;
  label: string;
  format: ColumnFormat;
  /** The words the HTML shows for the codes in this column's cells (CSV and JSON keep the codes). */
  labels?: Readonly<Record<string, string>>;
  /** What the HTML shows for an empty cell, when it is not "–" (not checked). */
  empty?: string;
  /** Only in CSV and JSON: codes that the HTML shows in words in another column. */
  csvOnly?: boolean;
}

export interface Table {
  /** Stable id: the CSV file name. */
  id: string;
  caption: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** What the HTML says in place of a table without rows, when it is not "none". */
  none?: string;
}

/**
 * The tables of open patterns and their changes: without an accessibility scan in the
 * period they have no rows and say "not checked" — a table of zeros would read as all clear.
 */
const SCAN_TABLES = new Set([
  'by-impact',
  'by-principle',
  'by-clause',
  'top-rules',
  'trend',
  'ranked',
  'heatmap',
  'changes',
  'median-days-to-fix',
  'oldest-open',
  'shared-components',
  'measures',
  'needs-review',
  'waivers',
  'findings',
]);

const col = (
  key: string,
  label: string,
  format: ColumnFormat = 'text',
  more: Pick<Column, 'labels' | 'empty' | 'csvOnly'> = {},
): Column => ({ key, label, format, ...more });

const total = (b: ByImpact): number => IMPACT_ORDER.reduce((n, i) => n + b[i], 0);

const service = (t: Texts): Column[] => [
  col('county', t.countyColumn),
  col('service', t.serviceColumn),
];

/** A column of level-of-administration codes (`kreis`); empty when the probes name none. */
const levelCol = (key: string, label: string, t: Texts): Column =>
  col(key, label, 'text', { labels: t.adminLevel, empty: t.adminLevel.none });

/** A column of impact codes (`critical` … `minor`). */
const impactCol = (key: string, label: string, t: Texts): Column =>
  col(key, label, 'text', { labels: t.impact });

/** When a check last reached the service, and the last one after it that did not. */
const checkCols = (t: Texts): Column[] => [
  col('checked_at', t.checkColumns.checkedAt, 'date'),
  col('not_reached_at', t.checkColumns.notReachedAt, 'date', { empty: t.no }),
];

export function buildTables(m: ReportModel, t: Texts, lang: 'de' | 'en'): Map<string, Table> {
  const { byImpact, byPrinciple, changes } = m;
  const tables: Table[] = [
    {
      id: 'kpis',
      caption: t.kpiHeading,
      columns: [
        col('id', t.kpiColumns.id, 'code'),
        col('kpi', t.kpiColumns.kpi),
        col('value', t.kpiColumns.value),
        col('previous', t.kpiColumns.previous),
        col('unit', t.kpiColumns.unit, 'code'),
      ],
      rows: m.kpis.map((k) => ({
        kpi: t.kpi[k.id],
        id: k.id,
        value: k.value,
        previous: k.previous,
        unit: k.unit,
      })),
    },
    {
      id: 'services',
      caption: t.servicesHeading,
      columns: [
        ...service(t),
        levelCol('admin_level', t.serviceColumns.adminLevel, t),
        col('ags', t.serviceColumns.ags),
        col('probes', t.serviceColumns.probes, 'int'),
        col('availability', t.serviceColumns.availability, 'percent'),
        col('open_patterns', t.serviceColumns.open, 'int'),
        col('open_severe', t.serviceColumns.severe, 'int'),
        col('open_patterns_previous', t.serviceColumns.trend, 'int'),
        col('first_run', t.serviceColumns.firstRun, 'date'),
        col('last_run', t.serviceColumns.lastRun, 'date'),
        col('a11y_scan', t.serviceColumns.scan, 'text', { labels: t.scanState }),
        col('bitv', t.serviceColumns.bitv),
        col('documents_accessible', t.serviceColumns.documents),
        col('documents_tagged', t.serviceColumns.documentsTagged, 'int'),
        col('maturity', t.serviceColumns.maturity, 'int'),
      ],
      rows: m.services.map((s) => ({
        county: s.county,
        service: s.service,
        admin_level: s.adminLevel ?? null,
        ags: s.ags ?? null,
        probes: s.probes,
        availability: s.availability,
        open_patterns: s.openPatterns === null ? null : total(s.openPatterns),
        open_severe:
          s.openPatterns === null ? null : s.openPatterns.critical + s.openPatterns.serious,
        open_patterns_previous: s.openPatternsBefore,
        first_run: s.firstRun,
        last_run: s.lastRun,
        a11y_scan: s.scan,
        bitv: s.bitvChecked === null ? null : `${s.bitvPassed}/${s.bitvChecked}`,
        documents_accessible:
          s.documentsChecked === 0 ? null : `${s.documentsAccessible}/${s.documentsChecked}`,
        documents_tagged: s.documentsChecked === 0 ? null : s.documentsTagged,
        maturity: s.maturity,
      })),
    },
    {
      id: 'coverage',
      caption: t.coverageHeading,
      columns: [
        col('clause', t.coverageColumns.clause),
        col('sc', t.coverageColumns.sc),
        col('title', t.coverageColumns.title),
        col('level', t.coverageColumns.level),
        col('coverage', t.coverageColumns.coverage, 'text', {
          labels: { partial: t.coveragePartial, manual: t.coverageManual },
        }),
        col('rules', t.coverageColumns.rules, 'code'),
      ],
      rows: m.coverage.map((c) => {
        const sc = WCAG21_AA.find((x) => x.sc === c.sc);
        return {
          clause: c.clause,
          sc: c.sc,
          title: sc ? sc[lang] : '',
          level: c.level,
          coverage: c.coverage,
          rules: c.rules.join(', '),
        };
      }),
    },
    {
      id: 'bitv',
      caption: t.bitvHeading,
      columns: [
        ...service(t),
        ...BITV_SIGNALS.map((n) => col(n, t.signal[n] ?? n, 'signal')),
        col('statement_age_days', t.statementAge, 'int'),
        ...checkCols(t),
      ],
      rows: m.bitv.map((b) => ({
        county: b.county,
        service: b.service,
        ...b.signals,
        statement_age_days: b.statementAgeDays,
        checked_at: b.checkedAt,
        not_reached_at: b.notReachedAt,
      })),
    },
    {
      id: 'by-impact',
      caption: t.byImpactHeading,
      columns: [impactCol('impact', t.impactColumn, t), col('patterns', t.patternsColumn, 'int')],
      rows: byImpact ? IMPACT_ORDER.map((i) => ({ impact: i, patterns: byImpact[i] })) : [],
    },
    {
      id: 'by-principle',
      caption: t.byPrincipleHeading,
      columns: [
        col('principle', t.principleColumn, 'text', {
          labels: Object.fromEntries(PRINCIPLES.map((p) => [p, `${p} ${t.principle[p]}`])),
        }),
        col('patterns', t.patternsColumn, 'int'),
      ],
      rows: byPrinciple ? PRINCIPLES.map((p) => ({ principle: p, patterns: byPrinciple[p] })) : [],
    },
    {
      id: 'by-clause',
      caption: t.byClauseHeading,
      columns: [col('clause', t.coverageColumns.clause), col('patterns', t.patternsColumn, 'int')],
      rows: m.byClause.map((c) => ({ clause: c.clause, patterns: c.patterns })),
    },
    {
      id: 'top-rules',
      caption: t.topRulesHeading,
      columns: [
        col('rule', t.ruleColumns.rule, 'code'),
        col('help', t.ruleColumns.help),
        impactCol('impact', t.ruleColumns.impact, t),
        col('wcag', t.ruleColumns.wcag, 'text', { csvOnly: true }),
        col('criteria', t.criteriaColumn),
        col('affected', t.affectedColumn),
        col('en301549', t.ruleColumns.en),
        col('patterns', t.ruleColumns.patterns, 'int'),
        col('occurrences', t.ruleColumns.occurrences, 'int'),
        col('services', t.ruleColumns.services, 'int'),
        col('service_list', t.ruleColumns.serviceList),
      ],
      rows: m.topRules.map((r) => ({
        rule: r.ruleId,
        help: ruleHelp(r.ruleId, r.help, lang),
        impact: r.impact,
        wcag: r.wcag.join(', '),
        criteria: criteria(r.wcag, lang),
        affected: affectedPeople(r.wcag, lang),
        en301549: r.en301549.join(', '),
        patterns: r.patterns,
        occurrences: r.occurrences,
        services: r.services,
        service_list: r.serviceList.join(', '),
      })),
    },
    {
      id: 'trend',
      caption: t.chartTrend,
      columns: [
        col('week', t.weekColumn),
        ...IMPACT_ORDER.map((i) => col(i, t.impact[i] ?? i, 'int')),
      ],
      rows: [...new Set(m.trend.map((p) => p.week))].map((week) => ({
        week,
        ...Object.fromEntries(
          IMPACT_ORDER.map((i) => [
            i,
            m.trend.find((p) => p.week === week && p.impact === i)?.open ?? 0,
          ]),
        ),
      })),
    },
    {
      id: 'ranked',
      caption: t.chartRanked,
      columns: [
        ...service(t),
        levelCol('admin_level', t.serviceColumns.adminLevel, t),
        col('critical', t.impact.critical ?? '', 'int'),
        col('serious', t.impact.serious ?? '', 'int'),
      ],
      rows: rankedServices(m).map((s) => ({
        county: s.county,
        service: s.service,
        admin_level: s.adminLevel ?? null,
        critical: s.openPatterns.critical,
        serious: s.openPatterns.serious,
      })),
    },
    {
      id: 'by-level',
      caption: t.byLevelHeading,
      columns: [
        col('level', t.levelColumns.level, 'text', { labels: t.adminLevel }),
        col('services', t.levelColumns.services, 'int'),
        col('scanned', t.levelColumns.scanned, 'int'),
        col('services_severe', t.levelColumns.severeServices, 'int'),
        col('patterns_severe', t.levelColumns.severePatterns, 'int'),
      ],
      rows: m.byLevel.map((l) => ({
        level: l.level,
        services: l.services,
        scanned: l.scanned,
        // Not scanned at all: not known, not 0.
        services_severe: l.scanned > 0 ? l.severeServices : null,
        patterns_severe: l.scanned > 0 ? l.severePatterns : null,
      })),
    },
    {
      id: 'heatmap',
      caption: t.chartHeatmap,
      columns: [
        ...service(t),
        ...PRINCIPLES.map((p) => col(`principle_${p}`, `${p} ${t.principle[p]}`, 'int')),
      ],
      rows: m.services
        .filter((s) => s.openPatterns !== null)
        .map((s) => ({
          county: s.county,
          service: s.service,
          ...Object.fromEntries(
            PRINCIPLES.map((p) => [
              `principle_${p}`,
              m.heatmap.find(
                (c) => c.county === s.county && c.service === s.service && c.principle === p,
              )?.patterns ?? 0,
            ]),
          ),
        })),
    },
    {
      id: 'journeys',
      caption: t.journeysHeading,
      columns: [
        ...service(t),
        col('journey', t.journeyColumns.journey),
        col('steps', t.journeyColumns.steps, 'int'),
        col('scan_steps', t.journeyColumns.scanSteps, 'int'),
        col('pages_scanned', t.journeyColumns.pages, 'int'),
        col('steps_with_severe', t.journeyColumns.severe, 'int'),
        col('error_page', t.journeyColumns.error, 'bool'),
        col('confirmation_page', t.journeyColumns.confirmation, 'bool'),
        col('blocked_requests', t.journeyColumns.blocked, 'int'),
      ],
      rows: m.journeys.map((j) => ({
        county: j.county,
        service: j.service,
        journey: j.name,
        steps: j.steps,
        scan_steps: j.scanSteps,
        pages_scanned: j.pagesScanned,
        steps_with_severe: j.stepsWithSevere,
        error_page: j.errorPageCovered,
        confirmation_page: j.confirmationPageCovered,
        blocked_requests: j.blockedRequests,
      })),
    },
    {
      id: 'documents',
      caption: t.documentsHeading,
      columns: [
        ...service(t),
        col('url', t.documentColumns.url, 'url'),
        col('format', t.documentColumns.format),
        col('class', t.documentColumns.class, 'text', { labels: t.documentClass }),
        col('pdfua', t.documentColumns.pdfua, 'bool'),
        col('pdfua_checks', t.documentColumns.pdfuaChecks),
        col('lang', t.documentColumns.lang),
        col('title', t.documentColumns.title),
        col('form_fields', t.documentColumns.formFields, 'int'),
        col('form_fields_unnamed', t.documentColumns.formFieldsUnnamed, 'int'),
        col('pages', t.documentColumns.pages, 'int'),
      ],
      rows: m.documents.map((d) => ({
        county: d.county,
        service: d.service,
        url: d.url,
        format: d.format,
        class: d.class,
        pdfua: d.pdfua,
        pdfua_checks: !d.pdfua
          ? null
          : d.pdfuaFailed === null
            ? t.pdfuaChecks.unchecked
            : d.pdfuaFailed.length === 0
              ? t.pdfuaChecks.passed
              : t.pdfuaChecks.failed(d.pdfuaFailed.join(', ')),
        lang: d.lang,
        title: d.title,
        form_fields: d.formFields,
        form_fields_unnamed: d.formFieldsUnnamed,
        pages: d.pages,
      })),
    },
    {
      id: 'document-classes',
      caption: t.documentClassesHeading,
      columns: [
        col('class', t.documentColumns.class, 'text', { labels: t.documentClass }),
        col('documents', t.countColumn, 'int'),
      ],
      rows: documentClasses(m).map(([cls, n]) => ({ class: cls, documents: n })),
    },
    {
      id: 'changes',
      caption: t.changesHeading,
      columns: [
        col('measure', t.kpiColumns.kpi, 'text', { labels: t.changeLabels }),
        col('patterns', t.patternsColumn, 'int'),
      ],
      rows: (changes
        ? ([
            'openAtStart',
            'new',
            'reopened',
            'fixed',
            'unchecked',
            'openAtEnd',
            'persisting',
            'transient',
          ] as const)
        : []
      ).map((k) => ({ measure: k, patterns: changes?.[k] ?? null })),
    },
    {
      id: 'median-days-to-fix',
      caption: t.medianFixHeading,
      columns: [impactCol('impact', t.impactColumn, t), col('days', t.unit.days, 'decimal')],
      rows: changes
        ? IMPACT_ORDER.map((i) => ({ impact: i, days: changes.medianDaysToFix[i] ?? null }))
        : [],
    },
    {
      id: 'oldest-open',
      caption: t.oldestHeading,
      columns: [
        ...service(t),
        col('rule', t.oldestColumns.rule, 'code'),
        col('help', t.ruleColumns.help),
        col('criteria', t.criteriaColumn),
        impactCol('impact', t.oldestColumns.impact, t),
        col('page', t.oldestColumns.page, 'url'),
        col('first_seen', t.oldestColumns.firstSeen, 'date'),
        col('age_days', t.oldestColumns.age, 'int'),
      ],
      rows: m.oldestOpen.map((o) => ({
        county: o.county,
        service: o.service,
        rule: o.ruleId,
        help: ruleHelp(o.ruleId, o.help, lang),
        criteria: criteria(o.wcag, lang),
        impact: o.impact,
        page: o.page,
        first_seen: o.firstSeen,
        age_days: o.ageDays,
      })),
    },
    {
      id: 'shared-components',
      caption: t.sharedHeading,
      columns: [
        col('rule', t.sharedColumns.rule, 'code'),
        col('help', t.ruleColumns.help),
        col('criteria', t.criteriaColumn),
        impactCol('impact', t.sharedColumns.impact, t),
        col('services', t.sharedColumns.services, 'int'),
        col('occurrences', t.sharedColumns.occurrences, 'int'),
        col('html', t.sharedColumns.html, 'code'),
        col('service_list', t.sharedColumns.serviceList),
      ],
      rows: m.shared.map((s) => ({
        rule: s.ruleId,
        help: ruleHelp(s.ruleId, s.help, lang),
        criteria: criteria(s.wcag, lang),
        impact: s.impact,
        services: s.services,
        occurrences: s.occurrences,
        html: s.html,
        service_list: s.serviceList.join(', '),
      })),
    },
    {
      id: 'measures',
      caption: t.measuresHeading,
      columns: [
        col('rank', t.measureColumns.rank, 'int'),
        col('rule', t.measureColumns.rule, 'code'),
        col('help', t.measureColumns.help),
        col('criteria', t.measureColumns.criteria),
        impactCol('impact', t.measureColumns.impact, t),
        col('service_list', t.measureColumns.serviceList),
        // Spreadsheets only, like the priority below: 16 columns did not fit a screen or an A4
        // page, and the services table and the ranking already give each service's level.
        col('levels', t.measureColumns.levels, 'text', { empty: t.adminLevel.none, csvOnly: true }),
        col('admin_levels', t.measureColumns.levels, 'code', { csvOnly: true }),
        col('services', t.measureColumns.services, 'int', { csvOnly: true }),
        col('occurrences', t.measureColumns.occurrences, 'int'),
        // Where to fix it, so that the owner need not look it up in the appendix.
        col('pages', t.measureColumns.pages, 'url'),
        col('html', t.measureColumns.html, 'code'),
        col('first_seen', t.measureColumns.firstSeen, 'date'),
        col('age_days', t.measureColumns.age, 'int', { csvOnly: true }),
        // The rank says the order; the number behind it is for whoever re-sorts the CSV.
        col('priority', t.measureColumns.priority, 'decimal', { csvOnly: true }),
        col('owner', t.measureColumns.owner, 'text', { empty: t.ownerNotSet }),
        col('services_without_owner', t.measureColumns.withoutOwner, 'text', { empty: t.none }),
        col('due', t.measureColumns.due, 'date'),
        // In words with the days for people; as a code and a number for spreadsheets.
        col('deadline', t.measureColumns.status),
        col('status', t.measureColumns.status, 'code', { csvOnly: true }),
        col('days_overdue', t.measureColumns.daysOverdue, 'int', { csvOnly: true }),
      ],
      rows: m.measures.map((x) => ({
        rank: x.rank,
        rule: x.ruleId,
        help: ruleHelp(x.ruleId, x.help, lang),
        criteria: criteria(x.wcag, lang),
        impact: x.impact,
        service_list: x.serviceList.join(', '),
        levels:
          x.adminLevels.length > 0
            ? x.adminLevels.map((l) => t.adminLevel[l] ?? l).join(', ')
            : null,
        admin_levels: x.adminLevels.join(' '),
        services: x.serviceList.length,
        occurrences: x.occurrences,
        pages: x.pages.join(' '),
        html: x.html,
        first_seen: x.firstSeen,
        age_days: x.ageDays,
        priority: x.priority,
        owner: x.owners.length > 0 ? x.owners.join('; ') : null,
        services_without_owner: x.servicesWithoutOwner.join(', '),
        due: x.due,
        deadline: x.overdue ? t.overdueSince(x.daysOverdue) : t.withinDeadline,
        status: x.overdue ? 'overdue' : 'due',
        days_overdue: x.daysOverdue,
      })),
    },
    {
      id: 'needs-review',
      caption: t.reviewHeading,
      columns: [
        ...service(t),
        col('rule', t.reviewColumns.rule, 'code'),
        col('help', t.reviewColumns.help),
        col('pages', t.reviewColumns.pages, 'int'),
        col('nodes', t.reviewColumns.nodes, 'int'),
      ],
      rows: m.review.map((r) => ({
        county: r.county,
        service: r.service,
        rule: r.ruleId,
        help: ruleHelp(r.ruleId, r.help, lang),
        pages: r.pages,
        nodes: r.nodes,
      })),
    },
    {
      id: 'waivers',
      caption: t.waiversHeading,
      columns: [
        ...service(t),
        col('rule', t.waiverColumns.rule, 'code'),
        col('reason', t.waiverColumns.reason),
        col('owner', t.waiverColumns.owner),
        col('expires', t.waiverColumns.expires),
        col('nodes', t.waiverColumns.nodes, 'int'),
      ],
      rows: m.waivers.map((w) => ({
        county: w.county,
        service: w.service,
        rule: w.ruleId,
        reason: w.reason,
        owner: w.owner,
        expires: w.expires,
        nodes: w.nodes,
      })),
    },
    {
      id: 'media-breaks',
      caption: t.mediaHeading,
      columns: [
        ...service(t),
        col('level', t.mediaColumns.level, 'int'),
        col('level_previous', t.mediaColumns.levelBefore, 'int'),
        col('end_to_end_digital', t.mediaColumns.e2e, 'bool'),
        col('breaks', t.mediaColumns.breaks),
        // The breaks' kinds as codes, for spreadsheets; the HTML has them in `breaks`.
        col('break_kinds', t.mediaColumns.breakKinds, 'code', { csvOnly: true }),
        col('legally_mandated', t.mediaColumns.legallyMandated, 'code', { csvOnly: true }),
        col('appeared', t.mediaColumns.appeared, 'int'),
        col('disappeared', t.mediaColumns.disappeared, 'int'),
        ...checkCols(t),
      ],
      rows: m.mediaBreaks.map((r) => ({
        county: r.county,
        service: r.service,
        level: r.level,
        level_previous: r.levelBefore,
        end_to_end_digital: r.endToEndDigital,
        breaks: r.breaks
          .map(
            (b) =>
              `${t.mediaKind[b.kind] ?? b.kind}${b.legallyMandated ? ` (${t.legallyMandated})` : ''}: „${b.evidence}“${b.condition ? ` (${b.condition})` : ''}`,
          )
          .join('\n'),
        break_kinds: [...new Set(r.breaks.map((b) => b.kind))].join(' '),
        legally_mandated: [
          ...new Set(r.breaks.filter((b) => b.legallyMandated).map((b) => b.kind)),
        ].join(' '),
        appeared: r.appeared,
        disappeared: r.disappeared,
        checked_at: r.checkedAt,
        not_reached_at: r.notReachedAt,
      })),
    },
    {
      id: 'availability',
      caption: t.availabilityHeading,
      columns: [
        ...service(t),
        col('runs', t.availabilityColumns.runs, 'int'),
        col('ok', t.availabilityColumns.ok, 'int'),
        col('errors', t.availabilityColumns.errors, 'int'),
        col('maintenance', t.availabilityColumns.maintenance, 'int'),
        col('availability', t.availabilityColumns.availability, 'percent'),
      ],
      rows: m.availability.map((a) => ({
        county: a.county,
        service: a.service,
        runs: a.runs,
        ok: a.ok,
        errors: a.errors,
        maintenance: a.maintenance,
        availability: a.availability,
      })),
    },
    {
      id: 'availability-lowest',
      caption: t.chartAvailability,
      columns: [...service(t), col('availability', t.availabilityColumns.availability, 'percent')],
      rows: lowestAvailability(m).map((a) => ({
        county: a.county,
        service: a.service,
        availability: a.availability,
      })),
    },
    {
      id: 'availability-weekly',
      caption: `${t.availabilityHeading} (${t.weekColumn})`,
      columns: [
        ...service(t),
        col('week', t.weekColumn),
        col('availability', t.availabilityColumns.availability, 'percent'),
      ],
      rows: m.availabilityWeekly.map((w) => ({
        county: w.county,
        service: w.service,
        week: w.week,
        availability: w.availability,
      })),
    },
    {
      id: 'data-quality',
      caption: t.dataQualityHeading,
      columns: [
        col('measure', t.kpiColumns.kpi, 'text', { labels: t.dataQuality }),
        col('count', t.countColumn, 'int'),
      ],
      rows: (['pagesNotScanned', 'errorRuns', 'blockedRequests'] as const).map((k) => ({
        measure: k,
        count: m.dataQuality[k],
      })),
    },
    {
      id: 'findings',
      caption: t.appendixHeading,
      columns: [
        ...service(t),
        col('rule', t.appendixColumns.rule, 'code'),
        col('wcag', t.ruleColumns.wcag),
        impactCol('impact', t.appendixColumns.impact, t),
        col('page', t.appendixColumns.page, 'url'),
        col('selector', t.appendixColumns.selector, 'code'),
        col('state', t.appendixColumns.state, 'text', { labels: t.findingState }),
        col('first_seen', t.appendixColumns.firstSeen, 'date'),
        col('fixed_at', t.appendixColumns.fixedAt, 'date'),
        col('reopened', t.appendixColumns.reopened, 'int'),
      ],
      rows: m.appendix.map((a) => ({
        county: a.county,
        service: a.service,
        rule: a.ruleId,
        wcag: a.wcag.join(' '),
        impact: a.impact,
        page: a.page,
        selector: a.selector,
        state: a.state,
        first_seen: a.firstSeen,
        fixed_at: a.fixedAt,
        reopened: a.reopened,
      })),
    },
  ];
  if (!changes)
    for (const table of tables) if (SCAN_TABLES.has(table.id)) table.none = t.notScanned;
  return new Map(tables.map((table) => [table.id, table]));
}

/** Services with open critical or serious patterns, most first (at most 20). */
export function rankedServices(m: ReportModel): (ServiceSummary & { openPatterns: ByImpact })[] {
  return m.services
    .filter(
      (s): s is ServiceSummary & { openPatterns: ByImpact } =>
        s.openPatterns !== null && s.openPatterns.critical + s.openPatterns.serious > 0,
    )
    .sort(
      (a, b) =>
        b.openPatterns.critical +
          b.openPatterns.serious -
          (a.openPatterns.critical + a.openPatterns.serious) ||
        b.openPatterns.critical - a.openPatterns.critical ||
        `${a.county}/${a.service}`.localeCompare(`${b.county}/${b.service}`),
    )
    .slice(0, 20);
}

export function lowestAvailability(m: ReportModel): ReportModel['availability'] {
  return m.availability
    .filter((a) => a.availability !== null)
    .sort(
      (a, b) =>
        (a.availability as number) - (b.availability as number) ||
        `${a.county}/${a.service}`.localeCompare(`${b.county}/${b.service}`),
    )
    .slice(0, 20);
}

export function documentClasses(m: ReportModel): [string, number][] {
  const order = ['scanned', 'untagged', 'tagged', 'pdfua', 'unchecked', 'broken'];
  return order
    .map((cls): [string, number] => [cls, m.documents.filter((d) => d.class === cls).length])
    .filter(([, n]) => n > 0);
}
