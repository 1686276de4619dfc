/**
 * Fails when prisma/schema.prisma and the SQL migrations disagree: the migrations are applied to an
 * empty database, which is then compared with Prisma's data model (DMMF) — tables, columns, types,
 * nullability, defaults, unique indexes, declared indexes and foreign keys. What Prisma cannot express
 * (CHECK constraints, partial indexes, triggers) may exist only in the SQL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { migrate } from '../../libs/db/src/migrate.js';
import { MIGRATIONS_DIR, ROOT, databaseUrl, freshDatabaseName, withAdmin } from '../support/env.js';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}

const schema = readFileSync(path.join(ROOT, 'prisma', 'schema.prisma'), 'utf8');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as {
  datamodel: { models: DmmfModel[]; indexes: DmmfIndex[] };
};
const models = dmmf.datamodel.models;
const tableOf = (m: DmmfModel): string => m.dbName ?? m.name;
const columnOf = (f: DmmfField): string => f.dbName ?? f.name;
const modelByName = new Map(models.map((m) => [m.name, m]));

/** The PostgreSQL type (as format_type prints it) that Prisma expects for a field. */
function expectedType(f: DmmfField): string {
  const [native, args] = f.nativeType ?? [undefined, []];
  let base: string;
  switch (native ?? f.type) {
    case 'String':
    case 'Text':
      base = 'text';
      break;
    case 'VarChar':
      base = `character varying(${args[0]})`;
      break;
    case 'Int':
    case 'Integer':
      base = 'integer';
      break;
    case 'SmallInt':
      base = 'smallint';
      break;
    case 'BigInt':
      base = 'bigint';
      break;
    case 'Boolean':
      base = 'boolean';
      break;
    case 'Float':
    case 'DoublePrecision':
      base = 'double precision';
      break;
    case 'Decimal':
      base = args.length ? `numeric(${args.join(',')})` : 'numeric(65,30)';
      break;
    case 'DateTime':
      base = 'timestamp(3) without time zone';
      break;
    case 'Timestamptz':
      base = `timestamp(${args[0] ?? 6}) with time zone`;
      break;
    case 'Timestamp':
      base = `timestamp(${args[0] ?? 6}) without time zone`;
      break;
    case 'Json':
      base = f.nativeType ? 'json' : 'jsonb';
      break;
    case 'JsonB':
      base = 'jsonb';
      break;
    case 'Bytes':
    case 'ByteA':
      base = 'bytea';
      break;
    case 'Uuid':
      base = 'uuid';
      break;
    default:
      throw new Error(`no type mapping for ${f.type} ${native ?? ''}`);
  }
  return f.isList ? `${base}[]` : base;
}

let dbName: string;
let client: pg.Client;

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}
let columns: Column[];
let uniqueIndexes: { table: string; columns: string[] }[];
let allIndexes: { table: string; columns: string[] }[];
let foreignKeys: { table: string; columns: string[]; refTable: string; refColumns: string[] }[];

beforeAll(async () => {
  dbName = freshDatabaseName();
  await withAdmin(async (c) => void (await c.query(`CREATE DATABASE "${dbName}"`)));
  await migrate(databaseUrl(dbName), MIGRATIONS_DIR);
  client = new pg.Client({ connectionString: databaseUrl(dbName) });
  await client.connect();

  columns = (
    await client.query<Column>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS "notNull", a.atthasdef AS "hasDefault"
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
         AND c.relname <> '_prisma_migrations'`)
  ).rows;
  const indexRows = (
    await client.query<{ table: string; columns: string[]; unique: boolean; partial: boolean }>(`
      SELECT t.relname AS table, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, i.indexrelid, i.indisunique, i.indpred`)
  ).rows;
  // Prisma cannot express partial indexes: those are the SQL's own business.
  uniqueIndexes = indexRows.filter((r) => r.unique && !r.partial);
  allIndexes = indexRows.filter((r) => !r.partial);
  foreignKeys = (
    await client.query<{ table: string; columns: string[]; refTable: string; refColumns: string[] }>(`
      SELECT t.relname AS table, rt.relname AS "refTable",
             array(SELECT attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.n ORDER BY o) AS columns,
             array(SELECT attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.n ORDER BY o) AS "refColumns"
        FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class rt ON rt.oid = con.confrelid
       WHERE con.contype = 'f'`)
  ).rows;
});

afterAll(async () => {
  await client?.end();
  if (dbName) await withAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)));
});

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

describe('schema.prisma and the migrations', () => {
  it('have the same tables', () => {
    const tables = [...new Set(columns.map((c) => c.table))].sort();
    expect(tables).toEqual(models.map(tableOf).sort());
  });

  it.each(models.map((m) => [m.name, m] as const))('%s: same columns, types, nullability and defaults', (_, model) => {
    const dbColumns = columns.filter((c) => c.table === tableOf(model));
    const scalars = model.fields.filter((f) => f.kind !== 'object');
    expect(dbColumns.map((c) => c.column).sort()).toEqual(scalars.map(columnOf).sort());
    for (const f of scalars) {
      const col = dbColumns.find((c) => c.column === columnOf(f))!;
      const expected = {
        column: col.column,
        type: expectedType(f),
        // Prisma creates list columns without NOT NULL.
        notNull: f.isRequired && !f.isList,
        hasDefault: f.hasDefaultValue,
      };
      expect({ column: col.column, type: col.type, notNull: col.notNull, hasDefault: col.hasDefault }).toEqual(expected);
    }
  });

  it('have the same unique indexes (primary keys, @unique, @@unique)', () => {
    const expected = dmmf.datamodel.indexes
      .filter((i) => i.type === 'id' || i.type === 'unique')
      .map((i) => {
        const model = modelByName.get(i.model)!;
        return { table: tableOf(model), columns: i.fields.map((f) => columnOf(model.fields.find((x) => x.name === f.name)!)) };
      });
    for (const e of expected) {
      expect(uniqueIndexes.some((u) => u.table === e.table && sameSet(u.columns, e.columns))).toBe(true);
    }
    for (const u of uniqueIndexes) {
      expect({ ...u, inPrisma: expected.some((e) => e.table === u.table && sameSet(e.columns, u.columns)) }).toEqual({ ...u, inPrisma: true });
    }
  });

  it('create every @@index of the schema', () => {
    for (const i of dmmf.datamodel.indexes.filter((x) => x.type === 'normal')) {
      const model = modelByName.get(i.model)!;
      const cols = i.fields.map((f) => columnOf(model.fields.find((x) => x.name === f.name)!));
      expect({ table: tableOf(model), cols, exists: allIndexes.some((a) => a.table === tableOf(model) && a.columns.join() === cols.join()) }).toEqual({
        table: tableOf(model),
        cols,
        exists: true,
      });
    }
  });

  it('have the same foreign keys', () => {
    const expected = models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
        .map((f) => {
          const target = modelByName.get(f.type)!;
          return {
            table: tableOf(m),
            columns: f.relationFromFields!.map((n) => columnOf(m.fields.find((x) => x.name === n)!)),
            refTable: tableOf(target),
            refColumns: f.relationToFields!.map((n) => columnOf(target.fields.find((x) => x.name === n)!)),
          };
        }),
    );
    const norm = (k: { table: string; columns: string[]; refTable: string; refColumns: string[] }) =>
      `${k.table}(${k.columns.join()})->${k.refTable}(${k.refColumns.join()})`;
    expect(foreignKeys.map(norm).sort()).toEqual(expected.map(norm).sort());
  });

  it('record every migration in _prisma_migrations as Prisma does', async () => {
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const { readMigrations } = await import('../../libs/db/src/migrate.js');
    const files = await readMigrations(MIGRATIONS_DIR);
    expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum, finished: r.finished_at !== null, steps: r.applied_steps_count }))).toEqual(
      files.map((f) => ({ name: f.name, checksum: f.checksum, finished: true, steps: 1 })),
    );
  });
});
