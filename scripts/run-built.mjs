// Runs a built app (dist/apps/<app>/src/main.js) with the given arguments, or says how to build it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [app, ...args] = process.argv.slice(2);
const entry = path.resolve('dist', 'apps', app, 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`${entry} does not exist: run \`npm run build\` first\n`);
  process.exit(1);
}
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
