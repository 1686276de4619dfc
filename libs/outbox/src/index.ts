export * from './event-types.js';
export * from './outbox.module.js';
export * from './outbox.repository.js';
export * from './outbox.service.js';
