import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { type AppConfig, InjectConfig } from '@app/common';
import { Prisma, PrismaClient } from './generated/client.js';

export type TxClient = Prisma.TransactionClient;
export type DbClient = PrismaClient | TxClient;
export type RawClient = pg.PoolClient;

export interface TransactionOptions {
  /** Default READ COMMITTED: unique keys and row locks, not isolation levels, carry our exactly-once promises. */
  isolationLevel?: Prisma.TransactionIsolationLevel;
  timeoutMs?: number;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']); // serialization failure, deadlock
const MAX_ATTEMPTS = 5;

/**
 * The Prisma client, plus the transaction scope: inside `transaction(fn)` every repository that asks
 * for `db.client` gets that transaction's client, so a write can never slip out through the outer
 * client by mistake. Transactions nest by joining the outer one.
 */
@Injectable()
export class DbService implements OnApplicationShutdown {
  private readonly logger = new Logger(DbService.name);
  private readonly prisma: PrismaClient;
  /** the one connection pool: Prisma's transactions and the raw ones share it */
  readonly pool: pg.Pool;
  private readonly scope = new AsyncLocalStorage<TxClient>();
  /** the connection of the current transaction, Prisma's or raw */
  private readonly connection = new AsyncLocalStorage<{ client?: RawClient }>();
  /** names savepoints apart when they nest */
  private savepoints = 0;

  constructor(@InjectConfig() config: AppConfig) {
    this.pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // Under a burst, queue for a connection rather than fail: a request waits up to this long.
      connectionTimeoutMillis: 30_000,
      idleTimeoutMillis: 30_000,
    });
    this.pool.on('error', (err) => this.logger.warn('idle database connection failed', { error: err.message }));
    // Prisma's adapter takes a connection for each interactive transaction; remembering it lets hot
    // paths send raw SQL inside a Prisma transaction, on the same connection (see rawClient).
    const connect = this.pool.connect.bind(this.pool) as () => Promise<RawClient>;
    this.pool.connect = ((...args: unknown[]) => {
      if (args.length > 0) return (connect as (...a: unknown[]) => unknown)(...args);
      return connect().then((client) => {
        const box = this.connection.getStore();
        if (box && !box.client) box.client = client;
        return client;
      });
    }) as pg.Pool['connect'];
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  /** The current transaction's client, or the pooled client outside a transaction. */
  get client(): DbClient {
    return this.scope.getStore() ?? this.prisma;
  }

  /** The current transaction's client; throws outside one. For writes that must commit with others (outbox). */
  get txClient(): TxClient {
    const tx = this.scope.getStore();
    if (!tx) throw new Error('this write must run inside DbService.transaction()');
    return tx;
  }

  get inTransaction(): boolean {
    return this.scope.getStore() !== undefined || this.connection.getStore()?.client !== undefined;
  }

  /**
   * The connection of the current transaction, for raw SQL where a measurement showed Prisma's
   * per-query cost matters (the wager hot path). Inside transaction() it is the very connection
   * Prisma's transaction runs on; inside rawTransaction() the one it was given.
   */
  get rawClient(): RawClient {
    const client = this.connection.getStore()?.client;
    if (!client) throw new Error('raw SQL of a transaction must run inside DbService.transaction() or rawTransaction()');
    return client;
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction) return fn();
    return this.retrying(() =>
      this.connection.run({}, () =>
        this.prisma.$transaction((tx) => this.scope.run(tx, fn), {
          isolationLevel: options.isolationLevel ?? Prisma.TransactionIsolationLevel.ReadCommitted,
          timeout: options.timeoutMs ?? 30_000,
          maxWait: 30_000,
        }),
      ),
    );
  }

  /**
   * `fn` inside the current transaction, behind a savepoint: when it throws, what it wrote is rolled
   * back and the transaction goes on (PostgreSQL refuses every statement after an error otherwise).
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const tx = this.txClient;
    const name = `sp_${++this.savepoints}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  /**
   * A READ COMMITTED transaction on a raw connection, without Prisma: for hot paths made of a few
   * set-based statements. Retried like transaction() on a serialization failure or deadlock.
   * `genericPlans`: the transaction's prepared statements reuse one plan instead of being planned
   * for each call (SET LOCAL plan_cache_mode, sent with BEGIN: no extra round trip) — for statements
   * whose plan does not depend on their parameters' values.
   */
  async rawTransaction<T>(fn: (client: RawClient) => Promise<T>, options: { genericPlans?: boolean } = {}): Promise<T> {
    if (this.inTransaction) return fn(this.rawClient);
    return this.retrying(async () => {
      const client = await this.pool.connect();
      let broken: unknown;
      try {
        await client.query(options.genericPlans ? 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan' : 'BEGIN');
        const result = await this.connection.run({ client }, () => fn(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
        throw err;
      } finally {
        client.release(broken as Error | undefined);
      }
    });
  }

  private async retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
        this.logger.warn('retrying transaction after a serialization failure or deadlock', { attempt });
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  async ping(timeoutMs = 2_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Closed in the last phase of shutdown (Nest runs onModuleDestroy before the HTTP server stops and
   * before the worker's loops and queue consumers stop): in-flight requests and jobs finish first.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * Whether `test` holds for the error or one it wraps (Prisma wraps the driver's error in `cause`,
 * `meta` or `driverAdapterError`).
 */
export function someWrappedError(err: unknown, test: (e: Record<string, unknown>) => boolean, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  const e = err as Record<string, unknown>;
  return test(e) || ['cause', 'meta', 'driverAdapterError'].some((k) => someWrappedError(e[k], test, depth + 1));
}

/** Whether the error or one it wraps carries a code (Prisma's, a SQLSTATE, a Node network code) that `test` accepts. */
export function hasErrorCode(err: unknown, test: (code: string) => boolean): boolean {
  return someWrappedError(err, (e) => ['code', 'originalCode', 'sqlState'].some((key) => typeof e[key] === 'string' && test(e[key] as string)));
}

const TRANSIENT_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error says the database or the network is unavailable or busy (worth retrying the job)
 * rather than something about this piece of work: connection failures, timeouts waiting for a connection or a
 * transaction, serialization failures and deadlocks (SQLSTATE classes 08, 40, 53, 57).
 */
export function isTransient(err: unknown): boolean {
  if (hasErrorCode(err, (code) => TRANSIENT_PRISMA.has(code) || TRANSIENT_NET.has(code) || /^(08|40|53|57)[0-9A-Z]{3}$/.test(code))) return true;
  return someWrappedError(err, (e) => typeof e.message === 'string' && /Connection terminated|connection timeout|Timed out fetching a new connection/i.test(e.message));
}

/** A serialization failure or deadlock, anywhere in the error. */
export function isRetryable(err: unknown): boolean {
  return hasErrorCode(err, (code) => code === 'P2034' || RETRYABLE_SQLSTATES.has(code));
}
