import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase, TEST_REDIS_URL } from './env.js';

export const PLATFORM_KEY = 'test-platform-key-0123456789';

/** The environment a test file's processes run with: its own database and its own Redis key prefix. */
export interface TestEnv {
  db: TestDatabase;
  /** For assertions straight on the database. */
  pool: pg.Pool;
  queuePrefix: string;
  /** The variables of API.md §12 (and ours) for processes of this test file. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const queuePrefix = `wzt_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    PLATFORM_API_KEY: PLATFORM_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'info',
    ...overrides,
  };
  return {
    db,
    pool,
    queuePrefix,
    env,
    async close() {
      await pool.end();
      await clearRedisPrefix(queuePrefix);
      await db.drop();
    },
  };
}

export async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
