import { defineConfig } from 'prisma/config';

// The CLI reads DATABASE_URL itself; the apps read it through the validated config object.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wowsino' },
});
