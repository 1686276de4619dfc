/**
 * The one place that reads process.env. Every variable is parsed and validated once, at boot;
 * a bad or missing value stops the process with a message naming it.
 */
export interface AppConfig {
  /** Accepted but unwise settings, logged once at boot by each app. */
  readonly warnings: readonly string[];
  readonly nodeEnv: string;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly redisUrl: string;
  /** Prefix of every BullMQ key in Redis; lets several deployments (or test runs) share one Redis. */
  readonly queuePrefix: string;
  readonly host: string;
  readonly port: number;
  /** Undefined disables the /v1/platform endpoints. */
  readonly platformApiKey: string | undefined;
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
  /** BullMQ job lock: how long before a crashed worker's active jobs are handed to another worker. */
  readonly queueLockMs: number;
  /** how often the worker looks for due deadlines (bonus expiries, cashback windows, tournament ends, …) */
  readonly timersPollMs: number;
  readonly ingest: {
    /** most wagers (and scores, contributions) one transaction carries */
    readonly batchMax: number;
    /** batch transactions in flight per API process */
    readonly concurrency: number;
    /** run the batches on a worker thread of the API process, apart from its HTTP work */
    readonly thread: boolean;
  };
  readonly webhook: {
    readonly allowPrivateNetworks: boolean;
    /** Delays between attempts; undefined means the built-in schedule. */
    readonly retryDelaysSeconds: readonly number[] | undefined;
    readonly timeoutMs: number;
    /** 32-byte key that encrypts webhook secrets at rest. */
    readonly secretKey: Buffer;
    /** deliveries in flight per worker process */
    readonly concurrency: number;
    /** how often the outbox relay looks for new events when idle */
    readonly outboxPollMs: number;
  };
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A development-only key: refused when NODE_ENV=production. */
const DEV_WEBHOOK_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  private fail<T>(name: string, why: string, value?: string): T {
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)})`;
    this.problems.push(`${name}: ${why}${shown}`);
    return undefined as T;
  }

  string(name: string, def?: string): string {
    return this.raw(name) ?? def ?? this.fail(name, 'is required');
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  url(name: string, protocols: readonly string[], def: string): string {
    const v = this.string(name, def);
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) {
        return this.fail(name, `must be a URL with scheme ${protocols.join(' or ')}`, redactUrl(v));
      }
      return v;
    } catch {
      return this.fail(name, 'must be a valid URL', redactUrl(v));
    }
  }

  int(name: string, def: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      return this.fail(name, `must be an integer between ${min} and ${max}`, v);
    }
    return Number(v);
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return def;
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return this.fail(name, 'must be true or false', v);
  }

  oneOf<T extends string>(name: string, values: readonly T[], def: T): T {
    const v = this.raw(name) ?? def;
    return (values as readonly string[]).includes(v) ? (v as T) : this.fail(name, `must be one of ${values.join(', ')}`, v);
  }

  intList(name: string, min: number, max: number): number[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < min || Number(p) > max)) {
      return this.fail(name, `must be a comma-separated list of integers between ${min} and ${max}`, v);
    }
    return parts.map(Number);
  }

  key32(name: string, def: string | undefined): Buffer {
    const v = this.raw(name) ?? def;
    if (v === undefined) return this.fail(name, 'is required (32 random bytes, base64 or hex)');
    const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (buf.length !== 32) return this.fail(name, 'must be 32 bytes, base64 or hex encoded');
    return buf;
  }
}

/** Hides the password of a connection string in messages. */
export function redactUrl(v: string): string {
  return v.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const platformApiKey = r.optional('PLATFORM_API_KEY');
  // API.md §12 sets no minimum: a short key is the operator's call, but worth saying out loud.
  if (platformApiKey !== undefined && platformApiKey.length < 16) {
    r.warnings.push('PLATFORM_API_KEY is shorter than 16 characters: use a long random value in production');
  }
  const config: AppConfig = {
    warnings: r.warnings,
    nodeEnv,
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgresql://postgres@127.0.0.1:5432/wowsino'),
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 500),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    queuePrefix: r.string('QUEUE_PREFIX', 'wowsino'),
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 3000, 0, 65535),
    platformApiKey,
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    queueLockMs: r.int('QUEUE_LOCK_MS', 30_000, 1_000, 600_000),
    timersPollMs: r.int('TIMERS_POLL_MS', 1_000, 50, 60_000),
    ingest: {
      batchMax: r.int('INGEST_BATCH_MAX', 200, 1, 5_000),
      concurrency: r.int('INGEST_CONCURRENCY', 1, 1, 64),
      thread: r.bool('INGEST_THREAD', true),
    },
    webhook: {
      allowPrivateNetworks: r.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
      retryDelaysSeconds: r.intList('WEBHOOK_RETRY_DELAYS_SECONDS', 0, 7 * 24 * 3600),
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 1, 120_000),
      secretKey: r.key32('WEBHOOK_SECRET_KEY', production ? undefined : DEV_WEBHOOK_SECRET_KEY),
      concurrency: r.int('WEBHOOK_CONCURRENCY', 50, 1, 1000),
      outboxPollMs: r.int('OUTBOX_POLL_MS', 200, 10, 60_000),
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}
