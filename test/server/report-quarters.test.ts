/**
 * `/reports` offers the running quarter besides the ended ones: its report is made as
 * provisional (`…-provisional.html`, titled "vorläufig"). A quarter that has not begun, or
 * one from before anyone monitored, is refused without making anything, so that requests
 * for made-up quarters cannot fill the reports folder. Making a report is not cut off by
 * the server's idle limit, though nothing is sent while it is made.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './world.ts';

let world: World;

/** The quarter of now in Berlin, and the one after it, as `2026-Q4`. */
function quarters(): { running: string; next: string } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
  })
    .format(Date.now())
    .split('-')
    .map(Number) as [number, number];
  const q = Math.ceil(month / 3);
  return {
    running: `${year}-Q${q}`,
    next: q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`,
  };
}

beforeAll(async () => {
  // Far shorter than making a report takes.
  world = await startWorld({ server: { limits: { idleMs: 100 } } });
});
afterAll(async () => {
  await world?.close();
});

function post(quarter: string): Promise<Response> {
  return fetch(`${world.server.url}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ quarter, format: 'html' }).toString(),
    redirect: 'manual',
  });
}

describe('the report form', () => {
  it('offers the running quarter, marked provisional, above the ended ones', async () => {
    const html = await (await fetch(`${world.server.url}/reports`)).text();
    const { running } = quarters();
    const options = [...html.matchAll(/<option value="(\d{4}-Q\d)"( selected)?>([^<]*)</g)];
    expect(options[0]?.[1]).toBe(running);
    expect(options[0]?.[3]).toBe(`${running} (laufend, vorläufig)`);
    expect(options[0]?.[2]).toBeUndefined();
    // The quarter that ended last stays preselected, and eight ended ones follow.
    expect(options[1]?.[2]).toBe(' selected');
    expect(options).toHaveLength(9);
    expect(html).toContain('-provisional');
  });

  it('makes the running quarter’s report as provisional, however long it takes', async () => {
    const { running } = quarters();
    const res = await post(running);
    expect(res.status).toBe(303);
    const location = res.headers.get('location');
    expect(location).toBe(`/reports/ozgwatch-report-${running}-provisional.html`);
    const report = await fetch(`${world.server.url}${location}`);
    expect(report.status).toBe(200);
    expect(await report.text()).toMatch(/<title>[^<]*\(vorläufig\)/);
  }, 60_000);

  it('refuses a quarter that has not begun, or one from before 2000, and writes nothing', async () => {
    const before = await readdir(world.reportsDir);
    for (const quarter of [quarters().next, '9999-Q4', '1999-Q4', '0001-Q1']) {
      const res = await post(quarter);
      expect(res.status, quarter).toBe(400);
      expect(await res.text(), quarter).toMatch(/noch nicht begonnen|periods from 2000 on/);
    }
    expect(await readdir(world.reportsDir)).toEqual(before);
  });
});
