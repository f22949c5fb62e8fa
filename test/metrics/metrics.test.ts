import { pino } from 'pino';
import { register as globalRegistry, Registry } from 'prom-client';
import { checkHttp } from '../../src/checkers/http/check.ts';
import { httpSpecSchema } from '../../src/checkers/http/spec.ts';
import { HostLimiter } from '../../src/runner/host-limiter.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatValue } from '../../src/metrics/exposition.ts';
import { listenSilently } from '../fixtures/silent-server.ts';
import { startDualStack, testHosts, V4_ONLY, DUAL } from '../checkers/http/dual-stack.ts';
import { fixtureMetrics } from './exposition-fixture.ts';
import {
  buildMetrics,
  failedResult,
  has,
  NOW,
  probe,
  result,
  samples,
  types,
  valueOf,
} from './helpers.ts';

const KFZ = { probe: 'kfz', service: 'kfz', county: 'ludwigsburg' };

describe('metrics: per-probe series', () => {
  it('exports a passing HTTPS run with blackbox-compatible names', async () => {
    let now = NOW;
    const metrics = buildMetrics(() => now);
    const p = probe('kfz', { ags: '08118000', leika: '99012345678901', adminLevel: 'kreis' });
    metrics.setProbes([p]);
    now = NOW + 500;
    metrics.record(p, result(p));
    const text = await metrics.render();

    expect(valueOf(text, 'probe_success', KFZ)).toBe(1);
    expect(valueOf(text, 'probe_duration_seconds', KFZ)).toBe(0.25);
    expect(valueOf(text, 'probe_http_status_code', KFZ)).toBe(200);
    expect(valueOf(text, 'probe_http_version', KFZ)).toBe(2);
    expect(valueOf(text, 'probe_http_redirects', KFZ)).toBe(1);
    expect(valueOf(text, 'probe_ip_protocol', KFZ)).toBe(4);
    expect(valueOf(text, 'probe_ssl_earliest_cert_expiry', KFZ)).toBe(
      Date.UTC(2027, 0, 31, 23, 59, 59) / 1000,
    );
    const phases = samples(text).filter((s) => s.name === 'probe_http_duration_seconds');
    expect(phases.map((s) => [s.labels.phase, Number(s.value)])).toEqual([
      ['resolve', 0.002],
      ['connect', 0.011],
      ['tls', 0.024],
      ['processing', 0.152],
      ['transfer', 0.006],
    ]);
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { ...KFZ, result: 'pass' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_last_run_timestamp_seconds', KFZ)).toBe(
      (NOW + 500) / 1000,
    );
    expect(valueOf(text, 'ozgwatch_probe_interval_seconds', KFZ)).toBe(60);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_maintenance', KFZ)).toBe(0);
    expect(samples(text).find((s) => s.name === 'ozgwatch_probe_info')?.labels).toEqual({
      probe: 'kfz',
      name: 'Probe kfz',
      kind: 'http',
      service: 'kfz',
      county: 'ludwigsburg',
      ags: '08118000',
      leika: '99012345678901',
      admin_level: 'kreis',
    });
    // An HTTPS probe that passed has 20 series (docs/metrics.md says so).
    expect(samples(text).filter((s) => s.labels.probe === 'kfz')).toHaveLength(20);
    // One HELP and TYPE per family.
    expect(text.match(/^# TYPE probe_http_duration_seconds /gm)).toHaveLength(1);
    expect(types(text).get('ozgwatch_probe_runs_total')).toBe('counter');
  });

  it('takes probe_success from the reported status; runs_total counts the run status', async () => {
    const metrics = buildMetrics();
    const p = probe('kfz', { failAfter: 3 });
    metrics.setProbes([p]);
    // A first failure, damped: still reported as pass.
    metrics.record(p, failedResult(p, { reportedStatus: 'pass' }));
    let text = await metrics.render();
    expect(valueOf(text, 'probe_success', KFZ)).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { ...KFZ, result: 'fail' })).toBe(1);

    metrics.record(
      p,
      result(p, { status: 'degraded', reportedStatus: 'degraded', reason: 'slow' }),
    );
    text = await metrics.render();
    expect(valueOf(text, 'probe_success', KFZ)).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(1);

    metrics.record(p, failedResult(p, { status: 'error', reportedStatus: 'error' }));
    text = await metrics.render();
    expect(valueOf(text, 'probe_success', KFZ)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(3);
    expect(
      samples(text)
        .filter((s) => s.name === 'ozgwatch_probe_runs_total')
        .map((s) => [s.labels.result, s.value]),
    ).toEqual([
      ['degraded', '1'],
      ['fail', '1'],
      ['error', '1'],
    ]);
  });

  it('drops series the last run did not produce, but keeps the certificate last seen', async () => {
    const metrics = buildMetrics();
    const p = probe('kfz');
    metrics.setProbes([p]);
    metrics.record(p, result(p));
    const seen = valueOf(await metrics.render(), 'probe_ssl_earliest_cert_expiry', KFZ);
    expect(seen).toBeGreaterThan(NOW / 1000);
    metrics.record(p, failedResult(p));
    const text = await metrics.render();
    // A refused connection shows nothing of the certificate: the one seen before stands, so
    // that a certificate alert does not end while the site is down.
    expect(valueOf(text, 'probe_ssl_earliest_cert_expiry', KFZ)).toBe(seen);
    expect(has(text, 'probe_http_version')).toBe(false);
    // The phases are timed up to the refusal: all five, those never reached at 0.
    const phases = samples(text).filter((s) => s.name === 'probe_http_duration_seconds');
    expect(phases.map((s) => [s.labels.phase, Number(s.value)])).toEqual([
      ['resolve', 0.002],
      ['connect', 0.004],
      ['tls', 0],
      ['processing', 0],
      ['transfer', 0],
    ]);
    expect(valueOf(text, 'probe_http_status_code', KFZ)).toBe(0);
    expect(valueOf(text, 'probe_success', KFZ)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(2);
    // A run that passes without TLS (the probe now has an http URL) has no certificate, and
    // a probe that never completed a handshake has none to keep.
    const { tls: _tls, ...plain } = result(p);
    metrics.record(p, plain);
    const other = probe('ohne-tls');
    metrics.setProbes([p, other]);
    metrics.record(other, failedResult(other));
    const after = await metrics.render();
    expect(has(after, 'probe_ssl_earliest_cert_expiry')).toBe(false);
    // No empty families: a header without samples is left out.
    expect(after).not.toContain('# TYPE probe_ssl_earliest_cert_expiry');
  });

  it('a real HTTP run that timed out exports its wait as processing and no version', async () => {
    // A server that takes the request and never answers.
    const silent = await listenSilently();
    try {
      const url = `http://127.0.0.1:${silent.port}/`;
      const p = probe('kfz', { http: { url } });
      const outcome = await checkHttp(
        {
          signal: AbortSignal.timeout(300),
          logger: pino({ level: 'silent' }),
          userAgent: 'ozgwatch/test',
          hosts: new HostLimiter(1),
          now: () => Date.now(),
        },
        httpSpecSchema.parse({ url }),
      );
      const metrics = buildMetrics();
      metrics.setProbes([p]);
      metrics.record(p, result(p)); // an earlier run over HTTP/2
      const { tls: _tls, ...base } = result(p);
      metrics.record(p, { ...base, ...outcome, reportedStatus: outcome.status });
      const text = await metrics.render();

      expect(outcome.message).toBe('timeout while waiting for the first byte');
      const processing = valueOf(text, 'probe_http_duration_seconds', { phase: 'processing' });
      expect(processing).toBeGreaterThanOrEqual(0.25);
      expect(processing).toBeLessThan(1);
      expect(valueOf(text, 'probe_http_duration_seconds', { phase: 'transfer' })).toBe(0);
      expect(valueOf(text, 'probe_http_status_code', KFZ)).toBe(0);
      // The version of the run before must not linger, nor a default stand in for it.
      expect(has(text, 'probe_http_version')).toBe(false);
    } finally {
      await silent.close();
    }
  });

  it('probe_ip_protocol is the family of a real run’s connection, absent when none was resolved', async () => {
    const servers = await startDualStack();
    try {
      const run = async (host: string, ipProtocol: 'auto' | 'ip6') => {
        const url = `http://${host}:${servers.port}/`;
        const outcome = await checkHttp(
          {
            signal: AbortSignal.timeout(5000),
            logger: pino({ level: 'silent' }),
            userAgent: 'ozgwatch/test',
            hosts: new HostLimiter(1),
            now: () => Date.now(),
          },
          httpSpecSchema.parse({ url, ipProtocol }),
          { lookup: testHosts },
        );
        const { tls: _tls, ...base } = result(p);
        return { ...base, ...outcome, reportedStatus: outcome.status };
      };
      const p = probe('kfz', { http: { url: `http://${DUAL}/`, ipProtocol: 'ip6' } });
      const metrics = buildMetrics();
      metrics.setProbes([p]);
      metrics.record(p, await run(DUAL, 'auto')); // the first address: IPv4
      expect(valueOf(await metrics.render(), 'probe_ip_protocol', KFZ)).toBe(4);
      metrics.record(p, await run(DUAL, 'ip6'));
      expect(valueOf(await metrics.render(), 'probe_ip_protocol', KFZ)).toBe(6);
      // No AAAA: no connection, no protocol — not the 6 of the run before.
      metrics.record(p, await run(V4_ONLY, 'ip6'));
      const text = await metrics.render();
      expect(valueOf(text, 'probe_success', KFZ)).toBe(0);
      expect(has(text, 'probe_ip_protocol')).toBe(false);
    } finally {
      await servers.close();
    }
  });

  it('keeps maintenance runs out of probe_success and the last-run gauges', async () => {
    let now = NOW;
    const metrics = buildMetrics(() => now);
    const p = probe('kfz');
    metrics.setProbes([p]);
    metrics.record(p, result(p));
    now += 60_000;
    metrics.record(
      p,
      failedResult(p, { maintenance: true, status: 'fail', reportedStatus: 'fail', duration: 9 }),
    );
    let text = await metrics.render();
    expect(valueOf(text, 'probe_success', KFZ)).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_status', KFZ)).toBe(0);
    expect(valueOf(text, 'probe_duration_seconds', KFZ)).toBe(0.25);
    expect(valueOf(text, 'probe_http_status_code', KFZ)).toBe(200);
    expect(valueOf(text, 'ozgwatch_probe_maintenance', KFZ)).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_last_run_timestamp_seconds', KFZ)).toBe(now / 1000);
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { ...KFZ, result: 'maintenance' })).toBe(1);
    // `fail` is there at 0 before any failure, so that increase() counts the first one.
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { ...KFZ, result: 'fail' })).toBe(0);
    expect(has(text, 'ozgwatch_probe_runs_total', { result: 'error' })).toBe(false);

    metrics.record(p, failedResult(p));
    text = await metrics.render();
    expect(valueOf(text, 'probe_success', KFZ)).toBe(0);
    expect(valueOf(text, 'ozgwatch_probe_maintenance', KFZ)).toBe(0);
  });

  it('a maintenance run before any other run exports no probe_success', async () => {
    const metrics = buildMetrics();
    const p = probe('kfz');
    metrics.setProbes([p]);
    metrics.record(p, result(p, { maintenance: true }));
    const text = await metrics.render();
    expect(has(text, 'probe_success')).toBe(false);
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { ...KFZ, result: 'maintenance' })).toBe(1);
  });

  it('removes every series of a probe dropped by a reload; counters of the others survive', async () => {
    const metrics = buildMetrics();
    const stays = probe('stays');
    const goes = probe('goes');
    metrics.setProbes([stays, goes]);
    metrics.record(stays, result(stays));
    metrics.record(stays, result(stays));
    metrics.record(goes, failedResult(goes));
    expect(await metrics.render()).toContain('probe="goes"');

    metrics.setProbes([probe('stays', { every: '5m' }), probe('new')]);
    const text = await metrics.render();
    expect(text).not.toContain('probe="goes"');
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { probe: 'stays', result: 'pass' })).toBe(2);
    expect(valueOf(text, 'probe_success', { probe: 'stays' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_probe_interval_seconds', { probe: 'stays' })).toBe(300);
    expect(valueOf(text, 'ozgwatch_probe_info', { probe: 'new' })).toBe(1);
    expect(has(text, 'probe_success', { probe: 'new' })).toBe(false);

    // A run of the removed probe that ends after the reload does not bring it back.
    metrics.record(goes, result(goes));
    expect(await metrics.render()).not.toContain('probe="goes"');
  });

  it('re-renders every series of a probe whose labels changed', async () => {
    const metrics = buildMetrics();
    const before = probe('kfz');
    metrics.setProbes([before]);
    metrics.record(before, result(before));
    metrics.setProbes([probe('kfz', { labels: { service: 'kfz-neu', county: 'ludwigsburg' } })]);
    const text = await metrics.render();
    const ofProbe = samples(text).filter((s) => s.labels.probe === 'kfz');
    expect(ofProbe).toHaveLength(20);
    expect(new Set(ofProbe.map((s) => s.labels.service))).toEqual(new Set(['kfz-neu']));
    expect(valueOf(text, 'ozgwatch_probe_runs_total', { probe: 'kfz', result: 'pass' })).toBe(1);
  });

  it('escapes label values from the configuration', async () => {
    const metrics = buildMetrics();
    const p = probe('kfz', { name: 'Kfz "Zulassung" C:\\Amt\nzweite Zeile' });
    metrics.setProbes([p]);
    const text = await metrics.render();
    expect(text).toContain('name="Kfz \\"Zulassung\\" C:\\\\Amt\\nzweite Zeile"');
    expect(samples(text).find((s) => s.name === 'ozgwatch_probe_info')?.labels.name).toBe(
      'Kfz "Zulassung" C:\\Amt\nzweite Zeile',
    );
  });
});

describe('metrics: browser journeys', () => {
  it('exports each run step, the failed step and the worst vitals of the pages', async () => {
    const text = await fixtureMetrics().render();
    const j = { probe: 'wohngeld-journey', service: 'wohngeld', county: 'ludwigsburg' };
    expect(valueOf(text, 'ozgwatch_journey_step_success', { ...j, step: 'start' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_journey_step_success', { ...j, step: 'antrag-oeffnen' })).toBe(
      0,
    );
    expect(valueOf(text, 'ozgwatch_journey_step_duration_seconds', { ...j, step: 'start' })).toBe(
      0.8,
    );
    // A skipped step has no series: it did not run.
    expect(has(text, 'ozgwatch_journey_step_success', { ...j, step: 'weiter' })).toBe(false);
    expect(
      valueOf(text, 'ozgwatch_journey_failed_step_info', { ...j, step: 'antrag-oeffnen' }),
    ).toBe(1);
    expect(valueOf(text, 'ozgwatch_web_vital_seconds', { ...j, vital: 'lcp' })).toBe(1.1);
    expect(valueOf(text, 'ozgwatch_web_vital_seconds', { ...j, vital: 'ttfb' })).toBe(0.3);
    expect(valueOf(text, 'ozgwatch_web_vital_cls', j)).toBe(0.15);
    expect(valueOf(text, 'ozgwatch_build_info', { browser_version: '156.0.8078.73' })).toBe(1);
  });
});

describe('metrics: accessibility', () => {
  it('exports occurrences and patterns by impact, reviews, pages and the engine', async () => {
    const text = await fixtureMetrics().render();
    const a = { probe: 'portal-a11y', service: 'portal', county: 'ludwigsburg' };
    expect(valueOf(text, 'ozgwatch_a11y_violations', { ...a, impact: 'critical' })).toBe(2);
    expect(valueOf(text, 'ozgwatch_a11y_violations', { ...a, impact: 'serious' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_violations', { ...a, impact: 'minor' })).toBe(0);
    expect(valueOf(text, 'ozgwatch_a11y_violation_patterns', { ...a, impact: 'critical' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_incomplete', a)).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_waived', a)).toBe(0);
    expect(valueOf(text, 'ozgwatch_a11y_pages_scanned', a)).toBe(2);
    expect(valueOf(text, 'ozgwatch_a11y_pages_statement_linked', a)).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_scan_success', a)).toBe(1);
    expect(valueOf(text, 'ozgwatch_a11y_engine_info', { profile: 'en-301-549' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_pdf_documents', { ...a, class: 'scanned' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_pdf_documents', { ...a, class: 'pdfua' })).toBe(0);
    // A Word form counts with office documents, not with PDFs.
    expect(valueOf(text, 'ozgwatch_pdf_documents', { ...a, class: 'tagged' })).toBe(0);
    expect(valueOf(text, 'ozgwatch_office_documents', { ...a, class: 'tagged' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_office_documents', { ...a, class: 'unchecked' })).toBe(0);
    const b = { probe: 'portal-bitv', service: 'portal', county: 'ludwigsburg' };
    expect(valueOf(text, 'ozgwatch_bitv_signal', { ...b, signal: 'statement_link' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_bitv_signal', { ...b, signal: 'dgs' })).toBe(0);
    expect(valueOf(text, 'ozgwatch_bitv_statement_age_seconds', b)).toBe(412 * 86_400);
    const l = { probe: 'portal-lighthouse', service: 'portal', county: 'ludwigsburg' };
    expect(valueOf(text, 'ozgwatch_lighthouse_score', { ...l, category: 'accessibility' })).toBe(
      0.87,
    );
    const m = { probe: 'wohngeld-medienbrueche', service: 'wohngeld', county: 'ludwigsburg' };
    expect(valueOf(text, 'ozgwatch_media_breaks', { ...m, kind: 'paper-form' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_media_breaks', { ...m, kind: 'in-person' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_media_breaks', { ...m, kind: 'fax-submission' })).toBe(0);
    // Of the three breaks, only the appearance is required by law.
    expect(valueOf(text, 'ozgwatch_media_breaks_legally_mandated', m)).toBe(1);
    expect(valueOf(text, 'ozgwatch_maturity_level', m)).toBe(1);
    expect(valueOf(text, 'ozgwatch_end_to_end_digital', m)).toBe(0);
    expect(valueOf(text, 'ozgwatch_media_break_path_steps', m)).toBe(3);
    expect(has(text, 'ozgwatch_maturity_level', { probe: 'portal-a11y' })).toBe(false);
    // A category Lighthouse could not score has no series rather than a made-up 0.
    expect(has(text, 'ozgwatch_lighthouse_score', { ...l, category: 'seo' })).toBe(false);
    expect(has(text, 'ozgwatch_lighthouse_score', { probe: 'portal-a11y' })).toBe(false);
    // A probe that never scanned has no accessibility series.
    expect(has(text, 'ozgwatch_a11y_pages_scanned', { probe: 'kfz-ludwigsburg' })).toBe(false);
  });
});

describe('metrics: streamed exposition', () => {
  it('streams the same text in pieces of whole lines, one header per family', async () => {
    const metrics = buildMetrics();
    const probes = Array.from({ length: 3000 }, (_, i) => probe(`svc-${i}`));
    metrics.setProbes(probes);
    for (const p of probes) metrics.record(p, result(p));
    const pieces: string[] = [];
    for await (const piece of metrics.exposition()) pieces.push(piece);

    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.every((piece) => piece.endsWith('\n'))).toBe(true);
    const text = pieces.join('');
    // Gauges of the process differ between two renders; the probe series do not.
    const probeLines = (t: string): string[] => t.split('\n').filter((l) => l.includes('probe="'));
    expect(probeLines(text)).toEqual(probeLines(await metrics.render()));
    expect(text.match(/^# TYPE probe_success gauge$/gm)).toHaveLength(1);
    expect(
      valueOf(text, 'probe_success', { probe: 'svc-2999', service: 'kfz', county: 'ludwigsburg' }),
    ).toBe(1);
  });
});

describe('metrics: the daemon itself', () => {
  it('exports self metrics in the given registry, never the global one', async () => {
    const metrics = buildMetrics();
    metrics.setProbes([probe('kfz')]);
    metrics.runStarted('http');
    metrics.runStarted('http');
    metrics.runFinished('http');
    metrics.runSkipped('overlap');
    metrics.observeSchedulerLag(0.003);
    metrics.observeSchedulerLag(1.5);
    metrics.configReloaded(true, NOW);
    metrics.configReloaded(false, NOW + 5000);
    metrics.setStorePending(42);
    metrics.setStoreDropped(3);
    metrics.setStoreDropped(5);
    const text = await metrics.render();

    expect(valueOf(text, 'ozgwatch_runs_in_flight', { kind: 'http' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_runs_skipped_total', { reason: 'overlap' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_runs_skipped_total', { reason: 'shutdown' })).toBe(0);
    expect(valueOf(text, 'ozgwatch_scheduler_lag_seconds_count')).toBe(2);
    expect(valueOf(text, 'ozgwatch_scheduler_lag_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_config_last_reload_successful')).toBe(0);
    expect(valueOf(text, 'ozgwatch_config_last_reload_success_timestamp_seconds')).toBe(NOW / 1000);
    expect(valueOf(text, 'ozgwatch_build_info', { version: '1.2.3' })).toBe(1);
    expect(valueOf(text, 'ozgwatch_store_pending_writes')).toBe(42);
    expect(valueOf(text, 'ozgwatch_store_dropped_writes_total')).toBe(5);
    expect(has(text, 'process_cpu_seconds_total')).toBe(true);

    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await globalRegistry.metrics()).not.toContain('ozgwatch_');
  });

  it('two instances do not share state', async () => {
    const a = buildMetrics();
    const b = buildMetrics();
    const p = probe('kfz');
    a.setProbes([p]);
    a.record(p, result(p));
    a.runSkipped('overlap');
    const text = await b.render();
    expect(text).not.toContain('probe="kfz"');
    expect(valueOf(text, 'ozgwatch_runs_skipped_total', { reason: 'overlap' })).toBe(0);
  });
});

describe('exposition helpers', () => {
  it('escapes backslash, quote and newline, nothing else', () => {
    expect(escapeLabelValue('plain – ü')).toBe('plain – ü');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    // Twice in a row: no state kept between calls.
    expect(escapeLabelValue('"')).toBe('\\"');
    expect(escapeLabelValue('"')).toBe('\\"');
  });

  it('formats special values as Prometheus parses them', () => {
    expect(formatValue(0.25)).toBe('0.25');
    expect(formatValue(1e-7)).toBe('1e-7');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatValue(Number.NaN)).toBe('NaN');
  });
});

describe('metrics: several instances and locations', () => {
  it('labels probe series with the location, and the daemon’s own with shard and location', async () => {
    const metrics = createMetrics({
      registry: new Registry(),
      version: '1.2.3',
      now: () => NOW,
      location: 'rz-stuttgart',
      shard: '1/3',
    });
    const p = probe('kfz');
    metrics.setProbes([p]);
    metrics.setAssignedProbes(1);
    metrics.record(p, result(p));
    const text = await metrics.render();
    const at = { ...KFZ, location: 'rz-stuttgart' };
    expect(valueOf(text, 'probe_success', at)).toBe(1);
    // Every per-probe series has the location and none has the shard: a probe that moves to
    // another instance keeps its series.
    const perProbe = samples(text).filter((s) => s.labels.probe === 'kfz');
    expect(perProbe.length).toBeGreaterThan(10);
    expect(perProbe.every((s) => s.labels.location === 'rz-stuttgart')).toBe(true);
    expect(perProbe.some((s) => 'shard' in s.labels)).toBe(false);
    expect(
      valueOf(text, 'ozgwatch_probes_assigned', { shard: '1/3', location: 'rz-stuttgart' }),
    ).toBe(1);
    const own = samples(text).filter((s) => s.name.startsWith('ozgwatch_scheduler_lag'));
    expect(own.every((s) => s.labels.shard === '1/3')).toBe(true);
  });

  it('names where people open the instance’s pages in ozgwatch_build_info, empty when unset', async () => {
    const url = 'https://ozgwatch-stuttgart.example.org';
    const at = createMetrics({
      registry: new Registry(),
      version: '1.2.3',
      location: 'rz-stuttgart',
      externalUrl: url,
    });
    const build = (text: string) => samples(text).find((s) => s.name === 'ozgwatch_build_info');
    expect(build(await at.render())?.labels).toMatchObject({
      location: 'rz-stuttgart',
      external_url: url,
    });
    // The browser's version replaces the series; the URL stays on it.
    at.setBrowserVersion('140.0');
    expect(build(await at.render())?.labels.external_url).toBe(url);
    expect(build(await buildMetrics().render())?.labels.external_url ?? '').toBe('');
  });

  it('adds neither label when neither is configured', async () => {
    const metrics = buildMetrics();
    const p = probe('kfz');
    metrics.setProbes([p]);
    metrics.record(p, result(p));
    const text = await metrics.render();
    expect(samples(text).some((s) => 'location' in s.labels || 'shard' in s.labels)).toBe(false);
  });
});
