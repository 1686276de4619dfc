export * from './rule-compiler.js';
export * from './rule-evaluator.js';
export * from './rule-parser.js';
export * from './segment.types.js';
export * from './segments.module.js';
export * from './segments.service.js';
