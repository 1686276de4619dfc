import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import { DbService } from '@app/db';
import { RedisService } from '@app/redis';

@Injectable()
export class ReadinessService {
  constructor(
    private readonly db: DbService,
    private readonly redis: RedisService,
  ) {}

  async check(): Promise<{ status: 'ready'; checks: Record<string, 'up'> }> {
    const [database, redis] = await Promise.all([this.db.ping(), this.redis.ping()]);
    if (!database || !redis) {
      const details = [
        ...(database ? [] : [{ field: 'database', issue: 'unreachable' }]),
        ...(redis ? [] : [{ field: 'redis', issue: 'unreachable' }]),
      ];
      throw new AppError(503, 'service_unavailable', 'a dependency is unreachable', details);
    }
    return { status: 'ready', checks: { database: 'up', redis: 'up' } };
  }
}
