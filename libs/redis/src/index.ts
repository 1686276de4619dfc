export * from './redis-options.js';
export * from './redis.module.js';
export * from './redis.service.js';
