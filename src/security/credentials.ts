/**
 * SASL users and their SCRAM credentials.
 *
 * Static users come from `--sasl-user name:password` (config file
 * `sasl.users`) and `--sasl-users-file users.json`; each gets a SCRAM-SHA-256
 * and a SCRAM-SHA-512 credential salted at start-up (the password itself is
 * dropped). AlterUserScramCredentials adds, replaces and deletes credentials
 * at run time; those changes (tombstones included, so a static credential can
 * be deleted too) are kept in `<data-dir>/__kafkalite/scram-credentials.json`
 * and override the static ones after a restart. Only salt, iterations,
 * StoredKey and ServerKey are ever stored.
 *
 * Users file: `{ "users": [ { "name": "alice", "password": "secret" },
 * { "name": "bob", "mechanism": "SCRAM-SHA-512", "iterations": 8192,
 * "salt": "<base64>", "storedKey": "<base64>", "serverKey": "<base64>" } ] }`
 * (or simply `{ "alice": "secret" }`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './persist.js';
import { createCredential, MIN_ITERATIONS, SCRAM_MECHANISMS, scramMechanism, verifyPassword, type ScramCredential, type ScramMechanismInfo, type ScramMechanismName } from './sasl/scram.js';

interface StoredCredential {
  salt: string;
  storedKey: string;
  serverKey: string;
  iterations: number;
}

interface CredentialFile {
  version: 1;
  /** user → mechanism → credential, or null for a deleted (static) credential. */
  users: Record<string, Partial<Record<ScramMechanismName, StoredCredential | null>>>;
}

type UserCredentials = Map<ScramMechanismName, ScramCredential>;

export interface CredentialChange {
  user: string;
  mechanism: ScramMechanismInfo;
  /** The new credential; null deletes. */
  credential: ScramCredential | null;
}

export class CredentialStore {
  private readonly staticUsers = new Map<string, UserCredentials>();
  /** Run-time changes: a credential, or null where a static one was deleted. */
  private readonly dynamic = new Map<string, Map<ScramMechanismName, ScramCredential | null>>();
  private readonly file: string | null;

  constructor(dataDir: string | null) {
    this.file = dataDir === null ? null : join(dataDir, '__kafkalite', 'scram-credentials.json');
  }

  /** Adds a static user with both SCRAM credentials derived from the password. */
  addUser(name: string, password: string, iterations = MIN_ITERATIONS): void {
    if (name === '') throw new Error('SASL user name must not be empty');
    const creds: UserCredentials = new Map();
    for (const m of SCRAM_MECHANISMS) creds.set(m.name, createCredential(m, password, iterations));
    this.staticUsers.set(name, creds);
  }

  /** `name:password` (the first colon separates them). */
  addUserSpec(spec: string): void {
    const i = spec.indexOf(':');
    if (i <= 0) throw new Error(`SASL user must be name:password, got '${spec.replace(/:.*/, ':…')}'`);
    this.addUser(spec.slice(0, i), spec.slice(i + 1));
  }

  /** Reads a users JSON file (see the module comment). */
  addUsersFile(file: string): void {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read SASL users file ${file}: ${(err as Error).message}`);
    }
    const entries: unknown[] = Array.isArray(data)
      ? data
      : data !== null && typeof data === 'object' && Array.isArray((data as { users?: unknown }).users)
        ? (data as { users: unknown[] }).users
        : Object.entries((data ?? {}) as Record<string, unknown>).map(([name, password]) => ({ name, password }));
    for (const e of entries) {
      if (e === null || typeof e !== 'object') throw new Error(`${file}: each user is an object`);
      const u = e as Record<string, unknown>;
      if (typeof u.name !== 'string' || u.name === '') throw new Error(`${file}: a user without a name`);
      if (typeof u.password === 'string') {
        this.addUser(u.name, u.password, typeof u.iterations === 'number' ? u.iterations : MIN_ITERATIONS);
        continue;
      }
      const m = scramMechanism(String(u.mechanism));
      if (!m) throw new Error(`${file}: user ${u.name}: give a password, or a SCRAM-SHA-256/512 credential (mechanism, salt, storedKey, serverKey, iterations)`);
      const c = decodeStored(u as unknown as StoredCredential);
      if (c.iterations < MIN_ITERATIONS) throw new Error(`${file}: user ${u.name}: iterations must be at least ${MIN_ITERATIONS}`);
      let creds = this.staticUsers.get(u.name);
      if (!creds) this.staticUsers.set(u.name, (creds = new Map()));
      creds.set(m.name, c);
    }
  }

  /** Loads the run-time changes kept in the data dir. */
  load(): void {
    if (this.file === null) return;
    const data = readJsonFile<CredentialFile>(this.file);
    if (!data) return;
    for (const [user, byMech] of Object.entries(data.users ?? {})) {
      const m = new Map<ScramMechanismName, ScramCredential | null>();
      for (const [mech, c] of Object.entries(byMech)) {
        if (!scramMechanism(mech)) continue;
        m.set(mech as ScramMechanismName, c === null || c === undefined ? null : decodeStored(c));
      }
      this.dynamic.set(user, m);
    }
  }

  get(user: string, mechanism: ScramMechanismInfo): ScramCredential | null {
    const d = this.dynamic.get(user)?.get(mechanism.name);
    if (d !== undefined) return d;
    return this.staticUsers.get(user)?.get(mechanism.name) ?? null;
  }

  /** Every user with at least one credential, sorted, with their credentials. */
  users(): Map<string, Map<ScramMechanismInfo, ScramCredential>> {
    const names = new Set([...this.staticUsers.keys(), ...this.dynamic.keys()]);
    const out = new Map<string, Map<ScramMechanismInfo, ScramCredential>>();
    for (const name of [...names].sort()) {
      const creds = this.credentialsOf(name);
      if (creds.size > 0) out.set(name, creds);
    }
    return out;
  }

  credentialsOf(user: string): Map<ScramMechanismInfo, ScramCredential> {
    const out = new Map<ScramMechanismInfo, ScramCredential>();
    for (const m of SCRAM_MECHANISMS) {
      const c = this.get(user, m);
      if (c) out.set(m, c);
    }
    return out;
  }

  get size(): number {
    return this.users().size;
  }

  /** SASL/PLAIN: does the password match any of the user's SCRAM credentials? */
  async checkPassword(user: string, password: string): Promise<boolean> {
    for (const m of SCRAM_MECHANISMS) {
      const c = this.get(user, m);
      if (c && (await verifyPassword(m, c, password))) return true;
    }
    return false;
  }

  /** Applies validated changes and persists them. */
  apply(changes: readonly CredentialChange[]): void {
    if (changes.length === 0) return;
    for (const ch of changes) {
      let m = this.dynamic.get(ch.user);
      if (!m) this.dynamic.set(ch.user, (m = new Map()));
      const isStatic = this.staticUsers.get(ch.user)?.has(ch.mechanism.name) ?? false;
      // Deleting a credential that only ever existed at run time leaves nothing behind.
      if (ch.credential === null && !isStatic) m.delete(ch.mechanism.name);
      else m.set(ch.mechanism.name, ch.credential);
      if (m.size === 0) this.dynamic.delete(ch.user);
    }
    this.persist();
  }

  private persist(): void {
    if (this.file === null) return;
    const users: CredentialFile['users'] = {};
    for (const [user, m] of this.dynamic) {
      const entry: Partial<Record<ScramMechanismName, StoredCredential | null>> = {};
      for (const [mech, c] of m) entry[mech] = c === null ? null : encodeStored(c);
      users[user] = entry;
    }
    writeJsonFile(this.file, { version: 1, users } satisfies CredentialFile);
  }
}

function encodeStored(c: ScramCredential): StoredCredential {
  return { salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64'), iterations: c.iterations };
}

function decodeStored(s: StoredCredential): ScramCredential {
  if (typeof s.salt !== 'string' || typeof s.storedKey !== 'string' || typeof s.serverKey !== 'string' || !Number.isInteger(s.iterations)) {
    throw new Error('a SCRAM credential needs salt, storedKey and serverKey (base64) and iterations');
  }
  return { salt: Buffer.from(s.salt, 'base64'), storedKey: Buffer.from(s.storedKey, 'base64'), serverKey: Buffer.from(s.serverKey, 'base64'), iterations: s.iterations };
}
