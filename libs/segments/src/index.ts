export * from './rule-compiler.js';
export * from './rule-evaluator.js';
export * from './rule-parser.js';
