#!/usr/bin/env node
// One-off bootstrap: writes src/wire/messages/*.ts in the project's schema DSL
// from Apache Kafka's JSON message definitions (../shared/kafka-protocol/message).
// The generated files are then the project's own code; test/unit/schema-drift.test.ts
// keeps them honest against the JSON. Re-run only to pick up a new API:
//   node scripts/gen-messages.mjs [ApiName ...]
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specDir = join(root, '..', 'shared', 'kafka-protocol', 'message');
const outDir = join(root, 'src', 'wire', 'messages');
mkdirSync(outDir, { recursive: true });

export function parseKafkaJson(text) {
  // Strip // comments outside of strings.
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return JSON.parse(out);
}

export function camel(name) {
  if (name === name.toUpperCase()) return name.toLowerCase();
  const m = /^[A-Z]+/.exec(name);
  const run = m ? m[0].length : 0;
  if (run <= 1) return name[0].toLowerCase() + name.slice(1);
  return name.slice(0, run - 1).toLowerCase() + name.slice(run - 1);
}

const PRIMS = new Set(['int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid']);

function defaultLiteral(type, d) {
  if (d === undefined) return undefined;
  if (d === 'null') return 'null';
  if (type === 'bool') return d === 'true' ? 'true' : 'false';
  if (type === 'int64') return `${BigInt(d)}n`;
  if (type === 'string') return JSON.stringify(d);
  if (['int8', 'int16', 'uint16', 'int32', 'float64'].includes(type)) return String(Number(d));
  return JSON.stringify(d);
}

function typeExpr(field, commons, indent) {
  const t = field.type;
  if (t.startsWith('[]')) {
    const inner = t.slice(2);
    if (PRIMS.has(inner)) return `arr('${inner}')`;
    const fields = field.fields ?? commons.get(inner);
    if (!fields) throw new Error(`unknown struct ${inner}`);
    return `arrOf([\n${fieldsExpr(fields, commons, indent + '  ')}${indent}])`;
  }
  if (PRIMS.has(t)) return `'${t}'`;
  const fields = field.fields ?? commons.get(t);
  if (!fields) throw new Error(`unknown type ${t}`);
  return `struct([\n${fieldsExpr(fields, commons, indent + '  ')}${indent}])`;
}

function fieldsExpr(fields, commons, indent) {
  let s = '';
  for (const fl of fields) {
    const opts = [];
    if (fl.nullableVersions) opts.push(`nullable: '${fl.nullableVersions}'`);
    if (fl.tag !== undefined) opts.push(`tag: ${fl.tag}`);
    if (fl.taggedVersions && fl.taggedVersions !== fl.versions) opts.push(`taggedVersions: '${fl.taggedVersions}'`);
    const d = defaultLiteral(fl.type, fl.default);
    if (d !== undefined) opts.push(`default: ${d}`);
    const o = opts.length ? `, { ${opts.join(', ')} }` : '';
    s += `${indent}f('${camel(fl.name)}', ${typeExpr(fl, commons, indent)}, '${fl.versions}'${o}),\n`;
  }
  return s;
}

function messageExpr(spec) {
  const commons = new Map((spec.commonStructs ?? []).map((c) => [c.name, c.fields]));
  return `message(${spec.apiKey}, '${spec.name}', '${spec.validVersions}', '${spec.flexibleVersions}', [\n${fieldsExpr(spec.fields, commons, '  ')}])`;
}

function kebab(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

const only = process.argv.slice(2);
const files = readdirSync(specDir).filter((n) => n.endsWith('Request.json'));
const apis = [];
for (const file of files) {
  const req = parseKafkaJson(readFileSync(join(specDir, file), 'utf8'));
  if (!req.listeners || !req.listeners.includes('broker')) continue;
  const api = file.replace(/Request\.json$/, '');
  if (only.length && !only.includes(api)) continue;
  const res = parseKafkaJson(readFileSync(join(specDir, `${api}Response.json`), 'utf8'));
  const uses = (m) => JSON.stringify(m).includes('"fields"');
  const body = `// Schema for ${api} (API key ${req.apiKey}). Field order is wire order.
import { ${['message', 'f', 'arr', 'arrOf', 'struct'].filter((n) => n === 'message' || n === 'f' || (messageExpr(req) + messageExpr(res)).includes(n + '(')).join(', ')} } from '../schema.js';

export const ${api}Request = ${messageExpr(req)};

export const ${api}Response = ${messageExpr(res)};
`;
  void uses;
  writeFileSync(join(outDir, `${kebab(api)}.ts`), body);
  apis.push({ api, key: req.apiKey, file: kebab(api) });
}

if (!only.length) {
  apis.sort((a, b) => a.key - b.key);
  const idx = `// API key → request/response schemas. Generated list; schemas live one file per API.
import { registerApi } from '../codecs.js';
import type { MessageSchema } from '../schema.js';
${apis.map((a) => `import { ${a.api}Request, ${a.api}Response } from './${a.file}.js';`).join('\n')}

export interface ApiSchemas {
  readonly name: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
}

export const API_SCHEMAS: ReadonlyMap<number, ApiSchemas> = new Map<number, ApiSchemas>([
${apis.map((a) => `  [${a.key}, { name: '${a.api}', request: ${a.api}Request, response: ${a.api}Response }],`).join('\n')}
]);

for (const api of API_SCHEMAS.values()) registerApi(api.request, api.response);

export {
${apis.map((a) => `  ${a.api}Request,\n  ${a.api}Response,`).join('\n')}
};
`;
  writeFileSync(join(outDir, 'index.ts'), idx);
}
console.log(`wrote ${apis.length} API schemas to ${outDir}`);
