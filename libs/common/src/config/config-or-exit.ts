import { type AppConfig, ConfigError, loadConfig } from './config.js';

/** The validated config, or exit 1 with a message naming each bad variable. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Config', message: err.message, problems: err.problems })}\n`);
      process.exit(1);
    }
    throw err;
  }
}
