export * from './wallet.module.js';
export * from './wallet.service.js';
export * from './wallet.types.js';
