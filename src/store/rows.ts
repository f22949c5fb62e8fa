import type { RunStatus } from '../results/result.ts';
import type { FindingRecord, MediaBreakEvent, ProbeRecord, RunSummary } from './store.ts';

/**
 * Rows as both stores' queries return them (the same column names in SQLite and
 * PostgreSQL), and their conversion into the store's records.
 */
export interface FindingRow {
  probe_id: string;
  occurrence: string;
  pattern: string;
  rule_id: string;
  impact: string;
  page: string;
  selector: string;
  first_seen: number;
  last_seen: number;
  state: string;
  fixed_at: number | null;
  reopened: number;
}

export interface SummaryRow {
  run_id: string;
  probe_id: string;
  kind: string;
  started_at: number;
  duration: number;
  status: string;
  reported_status: string;
  reason: string | null;
  message: string;
  maintenance: number;
}

export interface MediaEventRow {
  probe_id: string;
  run_id: string;
  at: number;
  type: MediaBreakEvent['type'];
  kind: string | null;
  level_from: number | null;
  level_to: number | null;
  evidence: string | null;
}

export interface ProbeRow {
  probe_id: string;
  name: string;
  kind: string;
  service: string;
  county: string;
  ags: string | null;
  leika: string | null;
  url: string | null;
  owner: string | null;
  admin_level: string | null;
  loaded_at: number;
}

export function findingRecord(row: FindingRow): FindingRecord {
  return {
    probeId: row.probe_id,
    occurrence: row.occurrence,
    pattern: row.pattern,
    ruleId: row.rule_id,
    impact: row.impact,
    page: row.page,
    selector: row.selector,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    state: row.state as FindingRecord['state'],
    fixedAt: row.fixed_at,
    reopened: row.reopened,
  };
}

export function runSummary(r: SummaryRow): RunSummary {
  return {
    runId: r.run_id,
    probeId: r.probe_id,
    kind: r.kind,
    startedAt: r.started_at,
    duration: r.duration,
    status: r.status as RunStatus,
    reportedStatus: r.reported_status as RunStatus,
    reason: r.reason,
    message: r.message,
    maintenance: r.maintenance === 1,
  };
}

export function mediaBreakEvent(row: MediaEventRow): MediaBreakEvent {
  return {
    probeId: row.probe_id,
    runId: row.run_id,
    at: row.at,
    type: row.type,
    ...(row.kind !== null ? { kind: row.kind } : {}),
    ...(row.level_from !== null ? { levelFrom: row.level_from } : {}),
    ...(row.level_to !== null ? { levelTo: row.level_to } : {}),
    ...(row.evidence !== null
      ? { evidence: JSON.parse(row.evidence) as NonNullable<MediaBreakEvent['evidence']> }
      : {}),
  };
}

export function probeRecord(r: ProbeRow): ProbeRecord {
  return {
    probeId: r.probe_id,
    name: r.name,
    kind: r.kind,
    service: r.service,
    county: r.county,
    ...(r.ags !== null ? { ags: r.ags } : {}),
    ...(r.leika !== null ? { leika: r.leika } : {}),
    ...(r.url !== null ? { url: r.url } : {}),
    ...(r.owner !== null ? { owner: r.owner } : {}),
    ...(r.admin_level !== null ? { adminLevel: r.admin_level } : {}),
    loadedAt: r.loaded_at,
  };
}
