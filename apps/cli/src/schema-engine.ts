import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Prisma's schema engine is a native binary downloaded at install time; where it could not be (no
 * internet), `prisma migrate deploy` cannot run and the project's own runner takes over.
 */
export function schemaEngineAvailable(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): boolean {
  const candidates: string[] = [];
  if (env.PRISMA_SCHEMA_ENGINE_BINARY) candidates.push(env.PRISMA_SCHEMA_ENGINE_BINARY);
  const enginesDir = path.join(root, 'node_modules', '@prisma', 'engines');
  if (existsSync(enginesDir)) {
    for (const f of readdirSync(enginesDir)) if (f.startsWith('schema-engine')) candidates.push(path.join(enginesDir, f));
  }
  return candidates.some((bin) => {
    try {
      if (!statSync(bin).isFile() || statSync(bin).size === 0) return false;
      return spawnSync(bin, ['--version'], { timeout: 10_000 }).status === 0;
    } catch {
      return false;
    }
  });
}
