import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, InjectConfig } from '@app/common';
import { redisOptionsFromUrl } from './redis-options.js';

/**
 * The API's Redis connection for caches. Commands fail fast while Redis is down (no offline queue):
 * Redis holds nothing that PostgreSQL does not, so callers fall back rather than wait.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private ready: Promise<void> | undefined;

  constructor(@InjectConfig() config: AppConfig) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.client.on('error', () => undefined); // reported through ping() and the callers' own errors
    this.client.connect().catch(() => undefined);
  }

  async ping(timeoutMs = 2_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const pong = await Promise.race([
        this.whenReady().then(() => this.client.ping()),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return pong === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once connected (at once if already); a command sent earlier would fail without an offline queue. */
  private whenReady(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    // One shared listener however many pings wait while Redis is down.
    this.ready ??= new Promise((resolve) =>
      this.client.once('ready', () => {
        this.ready = undefined;
        resolve();
      }),
    );
    return this.ready;
  }

  /**
   * Closed in the last phase of shutdown (Nest runs onModuleDestroy before the HTTP server stops and
   * before the worker's loops and queue consumers stop): in-flight requests and jobs finish first.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
