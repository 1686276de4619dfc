import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { type AppConfig, InjectConfig } from '@app/common';
import { Prisma, PrismaClient } from './generated/client.js';

export type TxClient = Prisma.TransactionClient;
export type DbClient = PrismaClient | TxClient;

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
export class DbService implements OnModuleDestroy {
  private readonly logger = new Logger(DbService.name);
  private readonly prisma: PrismaClient;
  private readonly scope = new AsyncLocalStorage<TxClient>();

  constructor(@InjectConfig() config: AppConfig) {
    const adapter = new PrismaPg({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // Under a burst, queue for a connection rather than fail: a request waits up to this long.
      connectionTimeoutMillis: 30_000,
      idleTimeoutMillis: 30_000,
    });
    this.prisma = new PrismaClient({ adapter });
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
    return this.scope.getStore() !== undefined;
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction) return fn();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction((tx) => this.scope.run(tx, fn), {
          isolationLevel: options.isolationLevel ?? Prisma.TransactionIsolationLevel.ReadCommitted,
          timeout: options.timeoutMs ?? 30_000,
          maxWait: 30_000,
        });
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

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/** Finds a retryable SQLSTATE anywhere in the error (Prisma wraps the driver's error). */
export function isRetryable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  const e = err as Record<string, unknown>;
  if (e.code === 'P2034') return true;
  for (const key of ['code', 'originalCode', 'sqlState']) {
    if (typeof e[key] === 'string' && RETRYABLE_SQLSTATES.has(e[key] as string)) return true;
  }
  return ['cause', 'meta', 'driverAdapterError'].some((k) => isRetryable(e[k], depth + 1));
}
