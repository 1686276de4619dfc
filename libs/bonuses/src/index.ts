export * from './bonus-engine.service.js';
export * from './bonus-math.js';
export * from './bonus-template.js';
export * from './bonus-wagering.js';
export * from './bonus-timers.service.js';
export * from './bonus.types.js';
export * from './bonuses.module.js';
export * from './bonuses.service.js';
export { LIVE_GRANT_JSON, liveGrantFromJson, TEMPLATE_JSON, templateFromJson } from './bonuses.repository.js';
