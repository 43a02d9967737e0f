/**
 * JAAS configuration text as Kafka reads it from `sasl.jaas.config`-style
 * properties (Kafka's JaasConfig, a java.io.StreamTokenizer with these rules):
 *
 *   <LoginModuleClass> <ControlFlag> (<option>=<value>)* ;   (one or more entries)
 *
 * - bytes 0–32 are whitespace; `;` and `=` are single-character tokens;
 * - `"` and `'` quote a value (backslash escapes as in Java: \n, \t, \", octal…;
 *   a quoted string also ends at the end of its line);
 * - `//` and `/* … *\/` are comments, and so is a lone `/` up to the end of the line;
 * - every other character (including `\`, `-`, `.`, `$`, `{`) is part of a word;
 * - the control flag is REQUIRED, REQUISITE, SUFFICIENT or OPTIONAL (any case);
 * - a repeated option keeps its last value.
 *
 * Errors carry Kafka's messages. For a broker, a listener's
 * `listener.name.<listener>.<mechanism>.sasl.jaas.config` must hold exactly one
 * entry (`serverJaasEntry`, Kafka's JaasContext.loadServerContext).
 */

export type JaasControlFlag = 'REQUIRED' | 'REQUISITE' | 'SUFFICIENT' | 'OPTIONAL';

export interface JaasEntry {
  loginModule: string;
  controlFlag: JaasControlFlag;
  options: ReadonlyMap<string, string>;
}

const EOF = -1;
const WORD = -3;
const QUOTED = -4;

interface Token {
  /** WORD, QUOTED, EOF, or the code of an ordinary character (`;`, `=`, …). */
  type: number;
  /** The text of a word or a quoted string; null for ordinary characters and EOF. */
  text: string | null;
}

/** java.io.StreamTokenizer with the syntax Kafka's JaasConfig sets up. */
class Tokenizer {
  private i = 0;

  constructor(private readonly s: string) {}

  private charType(c: number): 'space' | 'word' | 'quote' | 'comment' | 'ordinary' {
    if (c <= 32) return 'space';
    if (c === 0x22 || c === 0x27) return 'quote';
    if (c === 0x2f) return 'comment';
    if (c === 0x3b || c === 0x3d) return 'ordinary';
    // wordChars(32, 128) and wordChars(160, 255); 129–159 stay ordinary; beyond 255 Java treats everything as a word character.
    if (c <= 128 || c >= 160) return 'word';
    return 'ordinary';
  }

  next(): Token {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && this.charType(s.charCodeAt(this.i)) === 'space') this.i++;
      if (this.i >= s.length) return { type: EOF, text: null };
      const c = s.charCodeAt(this.i);
      const kind = this.charType(c);
      if (kind === 'word') {
        const start = this.i;
        while (this.i < s.length && this.charType(s.charCodeAt(this.i)) === 'word') this.i++;
        return { type: WORD, text: s.slice(start, this.i) };
      }
      if (kind === 'quote') return { type: QUOTED, text: this.quoted(c) };
      if (kind === 'comment') {
        const n = s.charCodeAt(this.i + 1);
        if (n === 0x2a) {
          // /* … */ (an unterminated one runs to the end)
          const end = s.indexOf('*/', this.i + 2);
          this.i = end < 0 ? s.length : end + 2;
        } else {
          // `//` or a lone `/`: to the end of the line
          while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
        }
        continue;
      }
      this.i++;
      return { type: c, text: null };
    }
  }

  /** A quoted string, from the opening quote at `this.i`; escapes as StreamTokenizer reads them. */
  private quoted(q: number): string {
    const s = this.s;
    this.i++;
    let out = '';
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === 0x0a || c === 0x0d) return out; // ends at the end of the line (the newline is left as whitespace)
      this.i++;
      if (c !== 0x5c || this.i >= s.length) {
        out += String.fromCharCode(c);
        continue;
      }
      const e = s[this.i++]!;
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      if (simple[e] !== undefined) {
        out += simple[e];
      } else if (e >= '0' && e <= '7') {
        // up to three octal digits (three only when the first is 0–3)
        let v = e.charCodeAt(0) - 48;
        const max = e <= '3' ? 2 : 1;
        for (let k = 0; k < max && this.i < s.length && s[this.i]! >= '0' && s[this.i]! <= '7'; k++) v = v * 8 + (s.charCodeAt(this.i++) - 48);
        out += String.fromCharCode(v);
      } else {
        out += e;
      }
    }
    return out;
  }
}

function controlFlag(flag: string | null): JaasControlFlag {
  if (flag === null) throw new Error('Login module control flag is not available in the JAAS config');
  const f = flag.toUpperCase();
  if (f === 'REQUIRED' || f === 'REQUISITE' || f === 'SUFFICIENT' || f === 'OPTIONAL') return f;
  throw new Error(`Invalid login module control flag '${flag}' in JAAS config`);
}

/** Every entry of a JAAS config text; throws with Kafka's message on a syntax error. */
export function parseJaasConfig(text: string): JaasEntry[] {
  const t = new Tokenizer(text);
  const entries: JaasEntry[] = [];
  for (let tok = t.next(); tok.type !== EOF; tok = t.next()) {
    const loginModule = tok.text;
    const flagTok = t.next();
    if (flagTok.type === EOF) throw new Error('Login module control flag not specified in JAAS config');
    const flag = controlFlag(flagTok.text);
    if (loginModule === null || loginModule === '') throw new Error('Invalid empty LoginModule name in JAAS config');
    const options = new Map<string, string>();
    let k: Token;
    for (k = t.next(); k.type !== EOF && k.type !== 0x3b; k = t.next()) {
      const key = k.text;
      const eq = t.next();
      const value = eq.type === 0x3d ? t.next() : null;
      if (value === null || value.type === EOF || value.text === null) throw new Error(`Value not specified for key '${key}' in JAAS config`);
      options.set(key ?? 'null', value.text);
    }
    if (k.type !== 0x3b) throw new Error('JAAS config entry not terminated by semi-colon');
    entries.push({ loginModule, controlFlag: flag, options });
  }
  if (entries.length === 0) throw new Error('Login module not specified in JAAS config');
  return entries;
}

/** The one entry of a broker's listener/mechanism JAAS config (Kafka refuses none or several). */
export function serverJaasEntry(text: string): JaasEntry {
  const entries = parseJaasConfig(text);
  if (entries.length !== 1) throw new Error(`JAAS config property contains ${entries.length} login modules, should be 1 module`);
  return entries[0]!;
}
