#!/usr/bin/env node
/**
 * `kafkalite` command: flags (or KAFKALITE_* env vars) → broker config, then a
 * single ready line on stdout once clients can be served. Logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { createLogger, startBroker } from './broker.js';
import { configFromArgs, usage } from './cli-args.js';
import { DEFAULT_CONFIG } from './config/broker-config.js';

async function main(): Promise<void> {
  if (process.argv[2] === 'gen-cert') {
    // Self-signed development certificates for the TLS listeners (src/security/dev-cert.ts),
    // loaded only here: a broker's start-up does not need node:child_process.
    const { genCertCommand } = await import('./security/dev-cert.js');
    try {
      process.stdout.write(`${genCertCommand(process.argv.slice(3))}\n`);
    } catch (err) {
      process.stderr.write(`kafkalite gen-cert: ${(err as Error).message}\n`);
      process.exit(1);
    }
    return;
  }
  let parsed;
  try {
    parsed = configFromArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`kafkalite: ${(err as Error).message}\n\n${usage()}\n`);
    process.exit(2);
  }
  const { help, version, ...config } = parsed;
  if (help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  const logger = createLogger(config.logLevel ?? DEFAULT_CONFIG.logLevel);
  let handle;
  try {
    handle = await startBroker({ ...config, logger });
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.stderr.write(`kafkalite: could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // The contract for scripts: exactly one line on stdout, once Metadata can be served.
  process.stdout.write(`kafkalite ready on ${handle.bootstrapServers}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    handle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
