import { describe, expect, it } from 'vitest';
import type { BlockedRequest, Result } from '../../src/results/result.ts';
import { blockedSection } from '../../src/server/blocked-section.ts';

function result(kind: string, blockedRequests: BlockedRequest[]): Result {
  return {
    runId: 'r1',
    probeId: 'p1',
    kind,
    startedAt: 0,
    duration: 1,
    attempts: 1,
    maintenance: false,
    status: 'fail',
    reportedStatus: 'fail',
    message: '',
    assertions: [],
    blockedRequests,
  };
}

/** The section as a person reads it: tags gone, entities decoded. */
const text = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

describe("the run page's blocked requests", () => {
  it('a blocked WebSocket says what it is and how to allow it; a journey names the step', () => {
    const html = blockedSection(
      result('browser', [
        { method: 'WEBSOCKET', url: 'wss://antrag.example/_blazor?id=1', step: 'start' },
      ]),
    );
    expect(text(html)).toContain('WebSocket-Verbindungen wurden nicht aufgebaut');
    expect(text(html)).toContain('allowRequests: [{ method: WEBSOCKET, url: … }]');
    expect(text(html)).toContain('WEBSOCKET wss://antrag.example/_blazor?id=1 (Schritt start)');
  });

  it('a page-reading check names the page; a POST alone gets no WebSocket note', () => {
    const html = blockedSection(
      result('a11y', [
        { method: 'POST', url: 'https://cmp.example/consent', step: 'https://amt.example/kfz' },
      ]),
    );
    expect(text(html)).toContain(
      'POST https://cmp.example/consent (auf Seite https://amt.example/kfz)',
    );
    expect(text(html)).not.toContain('WebSocket');
    expect(blockedSection(result('a11y', []))).toBe('');
  });

  it('escapes what came from the page', () => {
    const html = blockedSection(
      result('browser', [{ method: 'POST', url: 'https://x.example/<script>', step: '<b>' }]),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
  });
});
