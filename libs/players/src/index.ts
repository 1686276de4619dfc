export * from './player.js';
export * from './players.module.js';
export * from './players.repository.js';
export * from './players.service.js';
