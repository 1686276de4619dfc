export * from './jackpot-cycle.js';
export * from './jackpot-engine.service.js';
export * from './jackpot-fair.js';
export * from './jackpot.types.js';
export * from './jackpots.module.js';
export { JACKPOT_COLUMNS, type JackpotRow, type SealedSeed, toJackpot } from './jackpots.repository.js';
export * from './jackpots.service.js';
export * from './pool-math.js';
