export * from './queue-topology.js';
export * from './queue.module.js';
export * from './queues.js';
