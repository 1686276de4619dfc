export * from './fair.js';
export * from './lootbox.module.js';
export * from './lootbox.types.js';
export * from './lootboxes.service.js';
export * from './prize-table.js';
export * from './reward-references.js';
