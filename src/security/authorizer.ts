/**
 * ACL authorization as Kafka's StandardAuthorizer/AclAuthorizer decide it:
 *
 * 1. a super user (`super.users`) may do anything;
 * 2. the ACLs that apply to a resource are those of its type whose pattern
 *    matches its name: LITERAL with the same name, LITERAL `*`, or PREFIXED
 *    with a prefix of the name;
 * 3. if none applies (to anyone), `allow.everyone.if.no.acl.found` decides;
 * 4. an applicable DENY for the principal (or `User:*`), host (or `*`) and
 *    the operation (or ALL) denies — DENY wins;
 * 5. else an applicable ALLOW for the operation, an operation implying it
 *    (READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies
 *    DESCRIBE_CONFIGS) or ALL allows;
 * 6. else denied.
 */
import {
  AclOperation,
  allowingOperations,
  operationsBitfield,
  PatternType,
  PermissionType,
  ResourceType,
  SUPPORTED_OPERATIONS,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  type AclBinding,
} from './acl.js';
import type { AclStore } from './acl-store.js';

export interface AuthorizerOptions {
  /** `super.users`: principals (`User:admin`) allowed everything. */
  superUsers?: readonly string[];
  /** `allow.everyone.if.no.acl.found` (Kafka's default: false). */
  allowEveryoneIfNoAclFound?: boolean;
}

/** Who is asking: the principal and the client's IP address. */
export interface Requester {
  principal: string;
  host: string;
}

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;
  readonly allowEveryoneIfNoAclFound: boolean;

  constructor(
    readonly acls: AclStore,
    opts: AuthorizerOptions = {},
  ) {
    this.superUsers = new Set(opts.superUsers ?? []);
    this.allowEveryoneIfNoAclFound = opts.allowEveryoneIfNoAclFound ?? false;
  }

  isSuperUser(principal: string): boolean {
    return this.superUsers.has(principal) || this.superUsers.has(WILDCARD_PRINCIPAL);
  }

  /** May `who` perform `op` on the resource (type, name)? */
  authorize(who: Requester, op: number, resourceType: number, name: string): boolean {
    if (this.isSuperUser(who.principal)) return true;
    let anyApplies = false;
    let allowed = false;
    const allowOps = allowingOperations(op);
    for (const b of this.acls.ofType(resourceType)) {
      if (!appliesTo(b, name)) continue;
      anyApplies = true;
      if (!matchesRequester(b, who)) continue;
      if (b.permissionType === PermissionType.DENY) {
        if (b.operation === op || b.operation === AclOperation.ALL) return false;
      } else if (!allowed && b.permissionType === PermissionType.ALLOW) {
        if (b.operation === AclOperation.ALL || allowOps.includes(b.operation)) allowed = true;
      }
    }
    if (!anyApplies) return this.allowEveryoneIfNoAclFound;
    return allowed;
  }

  /** The operations `who` may perform on the resource, as the bitfield Metadata/DescribeGroups/... report. */
  authorizedOperations(who: Requester, resourceType: number, name: string): number {
    const ops = SUPPORTED_OPERATIONS.get(resourceType) ?? [];
    return operationsBitfield(ops.filter((op) => this.authorize(who, op, resourceType, name)));
  }

  /**
   * Kafka's Authorizer.authorizeByResourceType: may `who` perform `op` on at
   * least one resource of the type? (InitProducerId without a transactional
   * id: idempotent producers need WRITE on some topic.) An ALLOW counts unless
   * a DENY of the same or a shorter prefix covers it.
   */
  authorizeByResourceType(who: Requester, op: number, resourceType: number): boolean {
    // A super user, or the no-ACL rule applied to a name nobody would use.
    if (this.authorize(who, op, resourceType, 'hardcode')) return true;
    const denyLiteral = new Set<string>();
    const denyPrefixed = new Set<string>();
    const allowLiteral = new Set<string>();
    const allowPrefixed = new Set<string>();
    for (const b of this.acls.ofType(resourceType)) {
      if (!matchesRequester(b, who)) continue;
      if (b.operation !== op && b.operation !== AclOperation.ALL) continue;
      const literal = b.patternType === PatternType.LITERAL;
      if (b.permissionType === PermissionType.DENY) {
        if (literal && b.resourceName === WILDCARD_RESOURCE) return false;
        (literal ? denyLiteral : denyPrefixed).add(b.resourceName);
      } else if (b.permissionType === PermissionType.ALLOW) {
        if (literal && b.resourceName === WILDCARD_RESOURCE) return true;
        (literal ? allowLiteral : allowPrefixed).add(b.resourceName);
      }
    }
    const dominatedByDenyPrefix = (name: string): boolean => {
      for (let i = 1; i <= name.length; i++) if (denyPrefixed.has(name.slice(0, i))) return true;
      return false;
    };
    for (const name of allowLiteral) if (!denyLiteral.has(name) && !dominatedByDenyPrefix(name)) return true;
    for (const name of allowPrefixed) if (!dominatedByDenyPrefix(name)) return true;
    return false;
  }
}

function appliesTo(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD_RESOURCE;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return false;
}

function matchesRequester(b: AclBinding, who: Requester): boolean {
  return (b.principal === who.principal || b.principal === WILDCARD_PRINCIPAL) && (b.host === WILDCARD_HOST || b.host === who.host);
}

export { ResourceType, AclOperation };
