import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

// The local CLIs' argument parsing, with Node's own parser; every CLI also takes --help.
export function cliArgs<O extends ParseArgsOptionsConfig>(options: O, usage: string) {
  const config = {
    options: { ...options, help: { type: 'boolean', short: 'h' } } as O & {
      help: { type: 'boolean'; short: 'h' };
    },
    allowPositionals: true as const,
    strict: true as const,
  };
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
