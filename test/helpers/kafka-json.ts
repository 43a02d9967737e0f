// Reading Apache Kafka's message/*.json definitions from tests. The same two rules as
// scripts/gen-messages.mjs (parseKafkaJson, camel), reimplemented here so tests do not
// import the one-off generator script.

/** Removes `//` comments that are outside JSON strings (newlines are kept, so line numbers stay right). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

export function parseKafkaJson<T = unknown>(text: string): T {
  return JSON.parse(stripJsonComments(text)) as T;
}

/**
 * Kafka PascalCase field name → the project's camelCase: all-caps names are lower-cased
 * whole ('ACL' → 'acl'); a leading capital run keeps its last capital as the start of
 * the next word ('ACLOperation' → 'aclOperation'); otherwise the first letter is lowered.
 */
export function kafkaCamel(name: string): string {
  if (name === name.toUpperCase()) return name.toLowerCase();
  const m = /^[A-Z]+/.exec(name);
  const run = m ? m[0].length : 0;
  if (run <= 1) return name[0]!.toLowerCase() + name.slice(1);
  return name.slice(0, run - 1).toLowerCase() + name.slice(run - 1);
}

// ---- The JSON shapes (only what the protocol tests read) ---------------------

export interface KafkaJsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  tag?: number;
  taggedVersions?: string;
  default?: string | number | boolean;
  fields?: KafkaJsonField[];
  /** Only RequestHeader.ClientId uses this ('none'); the schema DSL does not model it. */
  flexibleVersions?: string;
  [other: string]: unknown;
}

export interface KafkaJsonStruct {
  name: string;
  versions: string;
  fields: KafkaJsonField[];
}

export interface KafkaJsonMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  listeners?: string[];
  fields: KafkaJsonField[];
  commonStructs?: KafkaJsonStruct[];
}
