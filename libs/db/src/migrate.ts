import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { sha256Hex } from '@app/common';

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, same SHA-256 checksum,
 * same advisory lock), so either tool can take over from the other. Used where Prisma's schema
 * engine binary is unavailable.
 */

/** The lock id Prisma Migrate takes, so our runner and Prisma never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const out: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    out.push({ name, sql, checksum: sha256Hex(sql) });
  }
  return out;
}

/** Prisma accepts a checksum of the file with either line ending; so do we. */
function checksumMatches(file: MigrationFile, recorded: string): boolean {
  return (
    recorded === file.checksum ||
    recorded === sha256Hex(file.sql.replace(/\r\n/g, '\n')) ||
    recorded === sha256Hex(file.sql.replace(/\r?\n/g, '\r\n'))
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** PostgreSQL's "database does not exist" */
const INVALID_CATALOG_NAME = '3D000';

/**
 * Connects to the database, first creating it when it does not exist yet, as `prisma migrate
 * deploy` does: a fresh server needs no manual `createdb`. The database is created from the
 * server's `postgres` maintenance database with the same credentials.
 */
async function connectCreatingDatabase(databaseUrl: string, log: (msg: string) => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    if ((err as { code?: string }).code !== INVALID_CATALOG_NAME) throw err;
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    log(`created database ${name}`);
  } catch (err) {
    // another runner created it first
    if ((err as { code?: string }).code !== DUPLICATE_DATABASE) throw err;
  } finally {
    await admin.end();
  }
  const created = new pg.Client({ connectionString: databaseUrl });
  await created.connect();
  return created;
}

const DUPLICATE_DATABASE = '42P04';

export async function migrate(
  databaseUrl: string,
  migrationsDir: string,
  log: (msg: string) => void = () => undefined,
): Promise<MigrateResult> {
  const files = await readMigrations(migrationsDir);
  const client = await connectCreatingDatabase(databaseUrl, log);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `migration ${failed[0].migration_name} failed earlier and was not resolved; fix the database, then ` +
          `run \`prisma migrate resolve --rolled-back ${failed[0].migration_name}\` (or delete its row) and retry`,
      );
    }
    const done = new Map(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const known = new Set(files.map((f) => f.name));
    for (const name of done.keys()) {
      if (!known.has(name)) throw new MigrationError(`the database has migration ${name}, which is not in ${migrationsDir}`);
    }

    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      const row = done.get(file.name);
      if (row) {
        if (!checksumMatches(file, row.checksum)) {
          throw new MigrationError(`migration ${file.name} was modified after it was applied (checksum differs)`);
        }
        result.alreadyApplied.push(file.name);
        continue;
      }
      const id = randomUUID();
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
        [id, file.checksum, file.name],
      );
      try {
        await client.query('BEGIN');
        await client.query(file.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        const message = err instanceof Error ? err.message : String(err);
        await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, message]);
        throw new MigrationError(`migration ${file.name} failed: ${message}`);
      }
      log(`applied ${file.name}`);
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}
