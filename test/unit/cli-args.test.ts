// Flag parsing: the quick path (src/cli-args.ts quickParse, which spares a start-up from
// loading node:util's parseArgs) must agree with parseArgs wherever it answers, and leave
// everything else, errors included, to parseArgs.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configFromArgs, parseArgsOptions, quickParse } from '../../src/cli-args.js';

const options = parseArgsOptions();
const reference = (args: string[]): Record<string, unknown> | Error => {
  try {
    return { ...parseArgs({ args, options, strict: true, allowPositionals: false }).values };
  } catch (err) {
    return err as Error;
  }
};

describe('command-line flags', () => {
  it('the quick path answers the usual command lines exactly as parseArgs does', () => {
    const lines = [
      [],
      ['--port', '0', '--in-memory=true'],
      ['--port=19092', '--host', '0.0.0.0', '--data-dir', '/tmp/x y', '--log-level', 'warn'],
      ['--listener', 'PLAINTEXT://127.0.0.1:9092', '--listener=SSL://127.0.0.1:9093', '--sasl-user', 'a:b,c:d'],
      ['--port', '1', '--port', '2'],
      ['--host='],
      ['--port', '-'],
      ['--config', 'a=b=c', '--seed=x=y'],
      ['--no-auto-create-topics', '--help', '--version'],
      ['--super-users', 'User:CN=a,O=b;User:x', '--super-users', 'User:y'],
    ];
    for (const args of lines) {
      const quick = quickParse(args, options);
      expect(quick, args.join(' ')).not.toBeNull();
      expect({ ...quick }, args.join(' ')).toEqual(reference(args));
    }
  });

  it('leaves anything unusual to parseArgs', () => {
    const lines = [
      ['--no-such-flag'],
      ['-p', '1'],
      ['positional'],
      ['--port'],
      ['--port', '-1'],
      ['--port', '--host'],
      ['--help=yes'],
      ['--', '--port', '1'],
      ['--__proto__', 'x'],
      ['--constructor', 'x'],
    ];
    for (const args of lines) expect(quickParse(args, options), args.join(' ')).toBeNull();
    expect(reference(['--port=-1'])).toEqual({ port: '-1' });
    expect({ ...quickParse(['--port=-1'], options) }).toEqual({ port: '-1' });
  });

  it('reports the errors parseArgs reports', () => {
    expect(() => configFromArgs(['--no-such-flag'], {})).toThrow("Unknown option '--no-such-flag'");
    expect(() => configFromArgs(['--port'], {})).toThrow(/argument missing/);
    expect(() => configFromArgs(['--port', '-1'], {})).toThrow(/ambiguous/);
    expect(() => configFromArgs(['x'], {})).toThrow(/Unexpected argument 'x'/);
    expect(() => configFromArgs(['--help=yes'], {})).toThrow(/does not take an argument/);
  });

  it('turns flags and env vars into config (flags win)', () => {
    expect(configFromArgs(['--port', '19092', '--in-memory', '--listener', 'SSL://:1', '--no-auto-create-topics'], { KAFKALITE_PORT: '1', KAFKALITE_HOST: 'h' })).toEqual({
      port: 19092,
      host: 'h',
      inMemory: true,
      listeners: ['SSL://:1'],
      autoCreateTopics: false,
    });
    expect(configFromArgs(['--in-memory', 'false', '--port=7'], {})).toEqual({ inMemory: false, port: 7 });
  });
});
