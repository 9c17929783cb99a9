import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** Reads and validates a config class from the environment; the only place the agent reads process.env. */
export function loadEnv<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(cls, env, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
