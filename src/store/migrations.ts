import type { DatabaseSync } from 'node:sqlite';

/**
 * The store's schema, as a list of steps. Step `i` brings a file from schema version `i`
 * to `i + 1`; the version lives in `PRAGMA user_version`. Steps are append-only: never
 * edit a released one, add a new one.
 *
 * With PostgreSQL, instances of the previous release go on writing and reading with their
 * own statements after the first instance of a new one has migrated (a rolling upgrade
 * replaces one pod at a time; test/store/postgres.test.ts plays one). So a step must leave
 * those statements working: add tables, indexes, nullable columns or columns with a
 * default; rename, drop or retype nothing an older release touches, and add no constraint
 * its rows could break — PostgreSQL's class 23 answer makes the older store drop the row as
 * malformed, which would lose every result of the older pods until their turn.
 */
export interface Migration {
  /** What the step does, for the log. */
  description: string;
  /** The step for SQLite. */
  sql: string;
  /**
   * The same step for PostgreSQL (src/store/postgres.ts): the same tables, columns and
   * indexes. SQLite's implicit `rowid` (the order rows were written in) is a `seq`
   * column there, and the triggers call one PL/pgSQL function.
   */
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'runs and latest run per probe',
    sql: `
      CREATE TABLE runs (
        run_id          TEXT    NOT NULL PRIMARY KEY,
        probe_id        TEXT    NOT NULL,
        kind            TEXT    NOT NULL,
        started_at      INTEGER NOT NULL, -- epoch ms
        duration        REAL    NOT NULL, -- seconds
        status          TEXT    NOT NULL,
        reported_status TEXT    NOT NULL,
        reason          TEXT,
        message         TEXT    NOT NULL,
        maintenance     INTEGER NOT NULL, -- 0 or 1
        result          TEXT    NOT NULL  -- the whole Result as JSON
      );
      -- Serves "last N runs of a probe", "runs of a probe in a time range" and the
      -- per-probe deletes of retention. One index, so a write touches few pages.
      CREATE INDEX runs_by_probe_time ON runs (probe_id, started_at);
      -- Upserted in the same transaction as the run: latest() reads one row per probe.
      CREATE TABLE latest (
        probe_id   TEXT    NOT NULL PRIMARY KEY,
        run_id     TEXT    NOT NULL,
        started_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
    postgres: `
      CREATE TABLE runs (
        seq             BIGSERIAL        NOT NULL, -- write order, SQLite's rowid
        run_id          TEXT             NOT NULL PRIMARY KEY,
        probe_id        TEXT             NOT NULL,
        kind            TEXT             NOT NULL,
        started_at      BIGINT           NOT NULL, -- epoch ms
        duration        DOUBLE PRECISION NOT NULL, -- seconds
        status          TEXT             NOT NULL,
        reported_status TEXT             NOT NULL,
        reason          TEXT,
        message         TEXT             NOT NULL,
        maintenance     INTEGER          NOT NULL, -- 0 or 1
        result          TEXT             NOT NULL  -- the whole Result as JSON
      );
      CREATE INDEX runs_by_probe_time ON runs (probe_id, started_at);
      CREATE TABLE latest (
        probe_id   TEXT   NOT NULL PRIMARY KEY,
        run_id     TEXT   NOT NULL,
        started_at BIGINT NOT NULL
      );
    `,
  },
  {
    description: 'accessibility findings tracked across runs',
    sql: `
      -- One row per probe and occurrence fingerprint: when it was first and last seen,
      -- whether it is open or fixed, how often it came back. The quarterly report reads it.
      CREATE TABLE a11y_findings (
        probe_id   TEXT    NOT NULL,
        occurrence TEXT    NOT NULL,
        pattern    TEXT    NOT NULL,
        rule_id    TEXT    NOT NULL,
        impact     TEXT    NOT NULL,
        page       TEXT    NOT NULL, -- origin + path
        selector   TEXT    NOT NULL,
        first_seen INTEGER NOT NULL, -- epoch ms (run start)
        last_seen  INTEGER NOT NULL,
        state      TEXT    NOT NULL, -- open | fixed
        fixed_at   INTEGER,
        reopened   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (probe_id, occurrence)
      ) WITHOUT ROWID;
    `,
    postgres: `
      CREATE TABLE a11y_findings (
        probe_id   TEXT    NOT NULL,
        occurrence TEXT    NOT NULL,
        pattern    TEXT    NOT NULL,
        rule_id    TEXT    NOT NULL,
        impact     TEXT    NOT NULL,
        page       TEXT    NOT NULL,
        selector   TEXT    NOT NULL,
        first_seen BIGINT  NOT NULL,
        last_seen  BIGINT  NOT NULL,
        state      TEXT    NOT NULL,
        fixed_at   BIGINT,
        reopened   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (probe_id, occurrence)
      );
    `,
  },
  {
    description: 'media breaks and maturity level tracked across runs',
    sql: `
      -- The last known set of media breaks and maturity level per probe, and every change
      -- of it: a break appeared or disappeared, the level moved. The API lists the events;
      -- the quarterly report reads them.
      CREATE TABLE media_break_state (
        probe_id TEXT    PRIMARY KEY,
        kinds    TEXT    NOT NULL, -- JSON array of break ids, sorted
        level    INTEGER NOT NULL,
        at       INTEGER NOT NULL  -- epoch ms (run start)
      ) WITHOUT ROWID;
      CREATE TABLE media_break_events (
        probe_id   TEXT    NOT NULL,
        run_id     TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        type       TEXT    NOT NULL, -- appeared | disappeared | level
        kind       TEXT,             -- the break, for appeared/disappeared
        level_from INTEGER,
        level_to   INTEGER,
        evidence   TEXT              -- JSON of the break's evidence, for appeared
      );
      CREATE INDEX media_break_events_at ON media_break_events (at);
      CREATE INDEX media_break_events_probe ON media_break_events (probe_id, at);
    `,
    postgres: `
      CREATE TABLE media_break_state (
        probe_id TEXT    PRIMARY KEY,
        kinds    TEXT    NOT NULL,
        level    INTEGER NOT NULL,
        at       BIGINT  NOT NULL
      );
      CREATE TABLE media_break_events (
        seq        BIGSERIAL NOT NULL,
        probe_id   TEXT      NOT NULL,
        run_id     TEXT      NOT NULL,
        at         BIGINT    NOT NULL,
        type       TEXT      NOT NULL,
        kind       TEXT,
        level_from INTEGER,
        level_to   INTEGER,
        evidence   TEXT
      );
      CREATE INDEX media_break_events_at ON media_break_events (at);
      CREATE INDEX media_break_events_probe ON media_break_events (probe_id, at);
    `,
  },
  {
    description: 'probe catalogue and history of accessibility findings, for reports',
    sql: `
      -- What each probe was when it was last loaded: name and labels. Reports of past
      -- quarters need them after a probe left the configuration, so rows stay.
      CREATE TABLE probes (
        probe_id    TEXT    NOT NULL PRIMARY KEY,
        name        TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        service     TEXT    NOT NULL,
        county      TEXT    NOT NULL,
        ags         TEXT,
        leika       TEXT,
        url         TEXT,
        loaded_at   INTEGER NOT NULL  -- epoch ms of the last load that contained it
      ) WITHOUT ROWID;
      -- Every change of a finding's state, so the state at any past moment is known:
      -- new (first seen), fixed (its page was scanned without it), reopened.
      CREATE TABLE a11y_finding_events (
        probe_id   TEXT    NOT NULL,
        occurrence TEXT    NOT NULL,
        at         INTEGER NOT NULL, -- epoch ms (run start)
        type       TEXT    NOT NULL  -- new | fixed | reopened
      );
      CREATE INDEX a11y_finding_events_by_finding ON a11y_finding_events (probe_id, occurrence, at);
      -- Triggers keep the history in the same transaction as the state it explains.
      CREATE TRIGGER a11y_finding_new AFTER INSERT ON a11y_findings BEGIN
        INSERT INTO a11y_finding_events VALUES (new.probe_id, new.occurrence, new.first_seen, 'new');
      END;
      CREATE TRIGGER a11y_finding_fixed AFTER UPDATE OF state ON a11y_findings
      WHEN old.state = 'open' AND new.state = 'fixed' BEGIN
        INSERT INTO a11y_finding_events VALUES (new.probe_id, new.occurrence, new.fixed_at, 'fixed');
      END;
      CREATE TRIGGER a11y_finding_reopened AFTER UPDATE OF state ON a11y_findings
      WHEN old.state = 'fixed' AND new.state = 'open' BEGIN
        INSERT INTO a11y_finding_events VALUES (new.probe_id, new.occurrence, new.last_seen, 'reopened');
      END;
      -- Findings of older stores: their first sighting and, when fixed, the last fix.
      INSERT INTO a11y_finding_events SELECT probe_id, occurrence, first_seen, 'new' FROM a11y_findings;
      INSERT INTO a11y_finding_events
        SELECT probe_id, occurrence, fixed_at, 'fixed' FROM a11y_findings WHERE state = 'fixed';
    `,
    postgres: `
      CREATE TABLE probes (
        probe_id    TEXT   NOT NULL PRIMARY KEY,
        name        TEXT   NOT NULL,
        kind        TEXT   NOT NULL,
        service     TEXT   NOT NULL,
        county      TEXT   NOT NULL,
        ags         TEXT,
        leika       TEXT,
        url         TEXT,
        loaded_at   BIGINT NOT NULL
      );
      CREATE TABLE a11y_finding_events (
        seq        BIGSERIAL NOT NULL,
        probe_id   TEXT      NOT NULL,
        occurrence TEXT      NOT NULL,
        at         BIGINT    NOT NULL,
        type       TEXT      NOT NULL
      );
      CREATE INDEX a11y_finding_events_by_finding ON a11y_finding_events (probe_id, occurrence, at);
      CREATE FUNCTION ozgwatch_a11y_finding_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO a11y_finding_events (probe_id, occurrence, at, type)
            VALUES (NEW.probe_id, NEW.occurrence, NEW.first_seen, 'new');
        ELSIF OLD.state = 'open' AND NEW.state = 'fixed' THEN
          INSERT INTO a11y_finding_events (probe_id, occurrence, at, type)
            VALUES (NEW.probe_id, NEW.occurrence, NEW.fixed_at, 'fixed');
        ELSIF OLD.state = 'fixed' AND NEW.state = 'open' THEN
          INSERT INTO a11y_finding_events (probe_id, occurrence, at, type)
            VALUES (NEW.probe_id, NEW.occurrence, NEW.last_seen, 'reopened');
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER a11y_finding_event AFTER INSERT OR UPDATE OF state ON a11y_findings
        FOR EACH ROW EXECUTE FUNCTION ozgwatch_a11y_finding_event();
      INSERT INTO a11y_finding_events (probe_id, occurrence, at, type)
        SELECT probe_id, occurrence, first_seen, 'new' FROM a11y_findings;
      INSERT INTO a11y_finding_events (probe_id, occurrence, at, type)
        SELECT probe_id, occurrence, fixed_at, 'fixed' FROM a11y_findings WHERE state = 'fixed';
    `,
  },
  {
    description: 'owner and level of administration in the probe catalogue, for reports',
    // Nullable: an older release's upsert leaves them as they are.
    sql: `
      ALTER TABLE probes ADD COLUMN owner TEXT;
      ALTER TABLE probes ADD COLUMN admin_level TEXT;
    `,
    postgres: `
      ALTER TABLE probes ADD COLUMN owner TEXT;
      ALTER TABLE probes ADD COLUMN admin_level TEXT;
    `,
  },
];

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** `PRAGMA application_id` of ozgwatch stores ("ozgw"), so a foreign SQLite file is recognised. */
export const APPLICATION_ID = 0x6f7a6777;

/**
 * Checks that the file is an ozgwatch store this build can read, before anything is
 * written to it. Throws a message a person can act on.
 */
export function checkSchema(db: DatabaseSync, path: string): number {
  const version = pragmaNumber(db, 'user_version');
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `store at ${path} has schema version ${version}, this ozgwatch supports up to ${SCHEMA_VERSION}; upgrade ozgwatch`,
    );
  }
  const appId = pragmaNumber(db, 'application_id');
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new Error(`${path} is not an ozgwatch store (application_id ${appId})`);
  }
  if (version === 0) {
    const row = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
    if (row.n > 0) {
      throw new Error(
        `${path} is an SQLite file with other tables and no ozgwatch schema; point dataDir elsewhere`,
      );
    }
  }
  return version;
}

/**
 * Applies the steps after `from`, each in its own transaction together with its
 * version bump, so a crash leaves the file at a well-defined version.
 * Returns the descriptions of the steps applied.
 */
export function migrate(db: DatabaseSync, from: number): string[] {
  const applied: string[] = [];
  for (let v = from; v < MIGRATIONS.length; v++) {
    const step = MIGRATIONS[v] as Migration;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(step.sql);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      if (v === 0) db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
    applied.push(step.description);
  }
  return applied;
}

function pragmaNumber(db: DatabaseSync, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, number> | undefined;
  return row?.[name] ?? 0;
}
