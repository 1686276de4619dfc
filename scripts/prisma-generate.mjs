// `prisma generate` needs no schema engine, but the Prisma CLI insists that one exists. Where the
// engine could not be downloaded (offline installs), point it at a placeholder: generate never runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const env = { ...process.env };
const enginesDir = path.join('node_modules', '@prisma', 'engines');
const downloaded = existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
if (!downloaded && !env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = path.join(tmpdir(), 'wowsino-prisma-schema-engine-placeholder');
  writeFileSync(placeholder, '');
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
const res = spawnSync(process.execPath, [path.join('node_modules', 'prisma', 'build', 'index.js'), 'generate'], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
