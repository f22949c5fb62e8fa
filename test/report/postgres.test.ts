/**
 * The quarterly report read from PostgreSQL (the store several instances share) is the
 * report read from SQLite: the same seeded quarter gives the same HTML, tables and hash,
 * also when the daemon's report worker reads it over a connection of its own.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReport } from '../../src/report/generate.ts';
import { generateReportInWorker } from '../../src/report/generate-in-worker.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from '../store/postgres-server.ts';
import { Q4, seedQuarter } from './seed.ts';

const logger = pino({ level: 'silent' });
const enabled = postgresAvailable || process.env.CI !== undefined;
let dir: string;
let server: PostgresServer | undefined;
const stores: Store[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ozgwatch-report-pg-'));
  if (enabled) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const store of stores) await store.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!enabled)('the quarterly report from PostgreSQL', () => {
  it('equals the report from SQLite for the same data', async () => {
    const sqlite = openSqliteStore({ path: path.join(dir, 'store.db'), logger });
    const url = await server!.createDatabase();
    const postgres = await openPostgresStore({
      url,
      bufferPath: path.join(dir, 'buffer.db'),
      logger,
    });
    stores.push(sqlite, postgres);
    await Promise.all([seedQuarter(sqlite), seedQuarter(postgres)]);
    const options = { period: Q4, lang: 'de' as const, outDir: dir };
    const fromSqlite = await generateReport(sqlite, { ...options, formats: [] });
    const fromPostgres = await generateReport(postgres, { ...options, formats: [] });
    expect(fromPostgres.model).toEqual(fromSqlite.model);
    expect(fromPostgres.model.dataHash).toBe(fromSqlite.model.dataHash);
    expect(fromPostgres.html).toBe(fromSqlite.html);
    // Not an empty report that happens to match; owner and level came through the catalogue.
    expect(fromSqlite.model.services.length).toBeGreaterThan(0);
    expect(fromPostgres.model.services.find((s) => s.service === 'kfz-zulassung')).toMatchObject({
      adminLevel: 'kreis',
      owners: ['Zulassungsstelle Böblingen'],
    });

    // The daemon's /reports makes it in a worker with a connection of its own: same report.
    const files = await generateReportInWorker({
      store: { postgres: url },
      request: { ...options, formats: ['html'], outDir: path.join(dir, 'worker') },
    });
    expect(files).toHaveLength(1);
    expect(await readFile(files[0] as string, 'utf8')).toBe(fromSqlite.html);
  }, 120_000);
});
