export * from './db.module.js';
export * from './db.service.js';
export * from './migrate.js';
export { Prisma } from './generated/client.js';
