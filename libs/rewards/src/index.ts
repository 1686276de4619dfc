export * from './reward.types.js';
export * from './rewards.module.js';
export * from './rewards.service.js';
export * from './reward-shape.js';
