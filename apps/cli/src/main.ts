import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { configOrExit, redactUrl } from '@app/common';
import { migrate } from '@app/db';
import { TenantsService, type ServiceMode } from '@app/tenants';
import { CliModule } from './cli.module.js';
import { schemaEngineAvailable } from './schema-engine.js';

const USAGE = `usage:
  migrate [--dir prisma/migrations] [--runner auto|prisma|builtin]
  tenant:create --name "Acme Casino" [--service-mode plugin|white_label]`;

async function runMigrate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, runner: { type: 'string' } } });
  const config = configOrExit();
  const dir = path.resolve(values.dir ?? 'prisma/migrations');
  const runner = values.runner ?? 'auto';
  if (runner === 'prisma' || (runner === 'auto' && schemaEngineAvailable())) {
    const res = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: config.databaseUrl },
    });
    process.exit(res.status ?? 1);
  }
  const log = (message: string): void => void process.stdout.write(`${JSON.stringify({ level: 'log', context: 'Migrate', message })}\n`);
  log(`migrating ${redactUrl(config.databaseUrl)} from ${dir} (built-in runner)`);
  const result = await migrate(config.databaseUrl, dir, log);
  log(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
}

async function runTenantCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, 'service-mode': { type: 'string' } } });
  const name = values.name?.trim();
  const mode = (values['service-mode'] ?? 'plugin') as ServiceMode;
  if (!name || name.length > 200 || !['plugin', 'white_label'].includes(mode)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const config = configOrExit();
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false });
  try {
    const created = await app.get(TenantsService).create({ name, serviceMode: mode });
    const out = {
      tenant: { id: created.tenant.id, name: created.tenant.name, service_mode: created.tenant.serviceMode, created_at: created.tenant.createdAt.toISOString() },
      api_keys: created.apiKeys,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'migrate') return runMigrate(args);
  if (command === 'tenant:create') return runTenantCreate(args);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Cli', message: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
