import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('defaults to local services on 127.0.0.1', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/wowsino');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.port).toBe(3000);
    expect(c.platformApiKey).toBeUndefined();
    expect(c.webhook).toMatchObject({ allowPrivateNetworks: false, retryDelaysSeconds: undefined, timeoutMs: 10_000 });
    expect(c.webhook.secretKey).toHaveLength(32);
  });

  it('reads every variable of API.md §12', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5433/x',
      REDIS_URL: 'redis://cache:6380/3',
      PORT: '8080',
      PLATFORM_API_KEY: 'a-long-enough-platform-key',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_DELAYS_SECONDS: '1, 5,30',
      WEBHOOK_TIMEOUT_MS: '2500',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5433/x',
      redisUrl: 'redis://cache:6380/3',
      port: 8080,
      platformApiKey: 'a-long-enough-platform-key',
      webhook: { allowPrivateNetworks: true, retryDelaysSeconds: [1, 5, 30], timeoutMs: 2500 },
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost'],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'yes'],
    ['WEBHOOK_RETRY_DELAYS_SECONDS', '1,x,3'],
    ['WEBHOOK_TIMEOUT_MS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['WEBHOOK_SECRET_KEY', 'dG9vIHNob3J0'],
  ])('refuses a bad %s, naming it', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${name}:`)).toBe(true);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', REDIS_URL: 'ftp://x' }).map((p) => p.split(':')[0])).toEqual(['REDIS_URL', 'PORT']);
  });

  it('never prints a password from a connection string', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(problem).not.toContain('hunter2');
  });

  it('accepts a short PLATFORM_API_KEY with a warning, and booleans in any case', () => {
    const c = loadConfig({ PLATFORM_API_KEY: 'short', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'TRUE' });
    expect(c.platformApiKey).toBe('short');
    expect(c.warnings).toEqual([expect.stringMatching(/^PLATFORM_API_KEY is shorter than 16 characters/)]);
    expect(c.webhook.allowPrivateNetworks).toBe(true);
    expect(loadConfig({ PLATFORM_API_KEY: 'a-long-enough-platform-key' }).warnings).toEqual([]);
  });

  it('requires WEBHOOK_SECRET_KEY in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^WEBHOOK_SECRET_KEY: is required/)]);
    expect(problemsOf({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') })).toEqual([]);
  });
});
