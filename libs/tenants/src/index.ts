export * from './api-key.js';
export * from './tenants.module.js';
export * from './tenants.repository.js';
export * from './tenants.service.js';
