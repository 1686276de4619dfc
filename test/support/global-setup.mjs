// Runs once per `jest` run, loaded natively by Jest (outside its TypeScript transform and module
// mapper), so it is plain JavaScript and uses the built migration runner (`npm test` builds first).
//
// It checks that PostgreSQL and Redis are there and fails loudly if not, drops databases that crashed
// runs left behind, and migrates a template database that every test file clones (see env.ts). The
// template's name is a hash of the migrations, so an unchanged schema is reused across runs.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const STALE_AFTER_SECONDS = 2 * 3600;

function databaseUrl(name) {
  const u = new URL(ADMIN_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function loadRunner() {
  const built = path.join(ROOT, 'dist', 'libs', 'db', 'src', 'migrate.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` (npm test does it first)`);
  return import(pathToFileURL(built).href);
}

export default async function globalSetup() {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_DATABASE_URL} (${err}); start it (see README) and retry`);
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    await admin.end();
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (${err}); start it (see README) and retry`);
  } finally {
    redis.disconnect();
  }

  try {
    const { migrate, readMigrations } = await loadRunner();
    const files = await readMigrations(path.join(ROOT, 'prisma', 'migrations'));
    const digest = createHash('sha256').update(files.map((f) => `${f.name}:${f.checksum}`).join('\n')).digest('hex').slice(0, 12);
    const template = `wowsino_tpl_${digest}`;

    const { rows } = await admin.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'wowsino\\_t\\_%' OR datname LIKE 'wowsino\\_tpl\\_%'",
    );
    const now = Math.floor(Date.now() / 1000);
    for (const { datname } of rows) {
      const created = Number(/^wowsino_t_(\d+)_/.exec(datname)?.[1]);
      const staleRun = Number.isFinite(created) && now - created > STALE_AFTER_SECONDS;
      if (staleRun) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_build_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrate(databaseUrl(building), path.join(ROOT, 'prisma', 'migrations'));
      // Renamed only when complete, so a concurrent run never clones a half-migrated template.
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`).catch(async (err) => {
        await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        if (!/already exists/.test(String(err))) throw err;
      });
    }
    process.env.WOWSINO_TEST_TEMPLATE_DB = template;
  } finally {
    await admin.end();
  }
}
