export * from './campaign.types.js';
export * from './campaign-executor.service.js';
export * from './campaign-queue.service.js';
export * from './campaign-schedules.service.js';
export * from './campaigns.module.js';
export * from './campaigns.service.js';
export * from './cron.js';
