/**
 * The ACLs of the cluster: created/deleted by CreateAcls/DeleteAcls, read by
 * the authorizer. Kept in `<data-dir>/__kafkalite/acls.json` (rewritten
 * atomically on every change) so they survive restarts; in memory only with
 * `--in-memory`.
 */
import { join } from 'node:path';
import { bindingKey, filterMatches, type AclBinding, type AclBindingFilter } from './acl.js';
import { readJsonFile, writeJsonFile } from './persist.js';

interface AclFile {
  version: 1;
  acls: AclBinding[];
}

export class AclStore {
  private readonly byKey = new Map<string, AclBinding>();
  /** Bindings per resource type, for the authorizer's lookups. */
  private readonly byType = new Map<number, AclBinding[]>();
  private readonly file: string | null;
  /** Bumped on every change (authorizer caches key on it). */
  generation = 0;

  constructor(dataDir: string | null) {
    this.file = dataDir === null ? null : join(dataDir, '__kafkalite', 'acls.json');
  }

  load(): void {
    if (this.file === null) return;
    const data = readJsonFile<AclFile>(this.file);
    if (!data) return;
    for (const b of data.acls ?? []) this.byKey.set(bindingKey(b), normalize(b));
    this.reindex();
  }

  get size(): number {
    return this.byKey.size;
  }

  all(): AclBinding[] {
    return [...this.byKey.values()];
  }

  ofType(resourceType: number): readonly AclBinding[] {
    return this.byType.get(resourceType) ?? [];
  }

  /** Adds bindings (an existing identical binding is kept once); persists once. */
  add(bindings: readonly AclBinding[]): void {
    let changed = false;
    for (const b of bindings) {
      const k = bindingKey(b);
      if (this.byKey.has(k)) continue;
      this.byKey.set(k, normalize(b));
      changed = true;
    }
    if (changed) this.changed();
  }

  /** Bindings matching a filter. */
  find(filter: AclBindingFilter): AclBinding[] {
    return this.all().filter((b) => filterMatches(filter, b));
  }

  /** Removes and returns, per filter, the bindings it matches (a binding matched by several filters is reported by each). */
  remove(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const out = filters.map((f) => this.find(f));
    let changed = false;
    for (const list of out) {
      for (const b of list) if (this.byKey.delete(bindingKey(b))) changed = true;
    }
    if (changed) this.changed();
    return out;
  }

  private changed(): void {
    this.reindex();
    this.generation++;
    if (this.file !== null) writeJsonFile(this.file, { version: 1, acls: this.all() } satisfies AclFile);
  }

  private reindex(): void {
    this.byType.clear();
    for (const b of this.byKey.values()) {
      let list = this.byType.get(b.resourceType);
      if (!list) this.byType.set(b.resourceType, (list = []));
      list.push(b);
    }
  }
}

function normalize(b: AclBinding): AclBinding {
  return {
    resourceType: b.resourceType,
    resourceName: b.resourceName,
    patternType: b.patternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation,
    permissionType: b.permissionType,
  };
}
