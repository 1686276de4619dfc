export * from './journeys.module.js';
export * from './player-events.service.js';
