export * from './journey-engine.service.js';
export * from './journey.types.js';
export * from './journeys.module.js';
export * from './journeys.service.js';
export * from './player-events.service.js';
