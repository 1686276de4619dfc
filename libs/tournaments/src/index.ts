export * from './prizes.js';
export * from './scoring.js';
export * from './tournament-finalizer.service.js';
export * from './tournament-scoring.service.js';
export * from './tournament.types.js';
export * from './tournaments.module.js';
export * from './tournaments.service.js';
export { type ScoreEventRow, type ScoreRow, TOURNAMENT_JSON, tournamentFromJson } from './tournaments.repository.js';
