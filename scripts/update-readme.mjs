#!/usr/bin/env node
// Regenerates the README's API table from the handler table (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { HANDLERS } from '../dist/handlers/index.js';
import { renderApiTable, replaceApiTable } from '../dist/handlers/api-table.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceApiTable(before, renderApiTable(HANDLERS));
if (after !== before) writeFileSync(path, after);
console.log(after === before ? 'README API table up to date' : 'README API table updated');
