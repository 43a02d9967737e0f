import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TABLE_END, API_TABLE_START, renderApiTable } from '../../src/handlers/api-table.js';
import { HANDLERS } from '../../src/handlers/index.js';
import { FLAGS, envName } from '../../src/cli-args.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('API table matches the handler table (run `npm run docs` to regenerate)', () => {
    const start = readme.indexOf(API_TABLE_START);
    const end = readme.indexOf(API_TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start, end + API_TABLE_END.length)).toBe(renderApiTable(HANDLERS));
  });

  it('states the two set-up commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('documents every CLI flag and its environment variable', () => {
    for (const flag of Object.keys(FLAGS)) {
      expect(readme, `--${flag}`).toContain(`--${flag}`);
      expect(readme, envName(flag)).toContain(envName(flag));
    }
  });
});
