export * from './ingest.service.js';
export * from './ingest.types.js';
export * from './wagers.module.js';
