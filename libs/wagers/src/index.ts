export * from './wagers.module.js';
export * from './wagers.service.js';
