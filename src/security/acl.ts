/**
 * Kafka's ACL vocabulary (org.apache.kafka.common.acl / .resource): the codes
 * that travel in CreateAcls/DescribeAcls/DeleteAcls, the operations each
 * resource type supports (AclEntry.supportedOperations), the operations one
 * grant implies, and bindings/filters with Kafka's matching rules.
 */

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = {
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];

export const PermissionType = {
  UNKNOWN: 0,
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;

/** The one name a CLUSTER resource has. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL pattern with this name matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

const names = <T extends Record<string, number>>(o: T): Map<number, string> => new Map(Object.entries(o).map(([k, v]) => [v, k]));
const RESOURCE_NAMES = names(ResourceType);
const PATTERN_NAMES = names(PatternType);
const OPERATION_NAMES = names(AclOperation);
const PERMISSION_NAMES = names(PermissionType);

export const resourceTypeName = (c: number): string => RESOURCE_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const patternTypeName = (c: number): string => PATTERN_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const operationName = (c: number): string => OPERATION_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const permissionName = (c: number): string => PERMISSION_NAMES.get(c) ?? `UNKNOWN(${c})`;

/** Kafka's AclEntry.supportedOperations: what authorized-operations bitfields report per resource type. */
export const SUPPORTED_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map<number, readonly number[]>([
  [ResourceType.TOPIC, [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]],
  [ResourceType.GROUP, [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE]],
  [
    ResourceType.CLUSTER,
    [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  ],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.DESCRIBE, AclOperation.WRITE]],
  [ResourceType.DELEGATION_TOKEN, [AclOperation.DESCRIBE]],
  [ResourceType.USER, [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS]],
]);

/**
 * Operations whose ALLOW grants `op` (ALL always does): DESCRIBE is implied by
 * READ, WRITE, DELETE and ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS. DENY rules
 * are not widened this way: a DENY READ does not deny DESCRIBE.
 */
export function allowingOperations(op: number): readonly number[] {
  if (op === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE;
  if (op === AclOperation.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS;
  return [op];
}
const IMPLIES_DESCRIBE = [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];
const IMPLIES_DESCRIBE_CONFIGS = [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS];

/** One ACL: a resource pattern and an access control entry. */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  /** LITERAL or PREFIXED. */
  patternType: number;
  /** `User:alice`, `User:*`. */
  principal: string;
  /** A client IP address or `*`. */
  host: string;
  operation: number;
  /** ALLOW or DENY. */
  permissionType: number;
}

/** What DescribeAcls/DeleteAcls select with: null names, principals and hosts match anything; ANY codes too. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  /** ANY, MATCH, LITERAL or PREFIXED. */
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export function bindingKey(b: AclBinding): string {
  return JSON.stringify([b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permissionType]);
}

/** Kafka's ResourcePatternFilter.matches. */
export function patternMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false;
  if (f.resourceName === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === b.patternType) return f.resourceName === b.resourceName;
  // MATCH: the patterns that would apply to a resource of that name.
  if (b.patternType === PatternType.LITERAL) return f.resourceName === b.resourceName || b.resourceName === WILDCARD_RESOURCE;
  if (b.patternType === PatternType.PREFIXED) return f.resourceName.startsWith(b.resourceName);
  return false;
}

/** Kafka's AccessControlEntryFilter.matches. */
export function entryMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permissionType !== PermissionType.ANY && f.permissionType !== b.permissionType) return false;
  return true;
}

export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  return patternMatches(f, b) && entryMatches(f, b);
}

/** Why a filter cannot select anything (Kafka answers INVALID_REQUEST), or null. */
export function invalidFilter(f: AclBindingFilter): string | null {
  if (!RESOURCE_NAMES.has(f.resourceType) || f.resourceType === ResourceType.UNKNOWN) return `Invalid resource type ${f.resourceType}`;
  if (!PATTERN_NAMES.has(f.patternType) || f.patternType === PatternType.UNKNOWN) return `Invalid pattern type ${f.patternType}`;
  if (!OPERATION_NAMES.has(f.operation) || f.operation === AclOperation.UNKNOWN) return `Invalid operation ${f.operation}`;
  if (!PERMISSION_NAMES.has(f.permissionType) || f.permissionType === PermissionType.UNKNOWN) return `Invalid permission type ${f.permissionType}`;
  return null;
}

/** Why a new ACL is refused (Kafka's AclControlManager.validateNewAcl and AclApis), or null. */
export function invalidBinding(b: AclBinding): string | null {
  if (!RESOURCE_NAMES.has(b.resourceType) || b.resourceType === ResourceType.UNKNOWN || b.resourceType === ResourceType.ANY) return `Invalid resourceType ${resourceTypeName(b.resourceType)}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(b.patternType)}`;
  if (!OPERATION_NAMES.has(b.operation) || b.operation === AclOperation.UNKNOWN || b.operation === AclOperation.ANY) return `Invalid operation ${operationName(b.operation)}`;
  if (b.permissionType !== PermissionType.ALLOW && b.permissionType !== PermissionType.DENY) return `Invalid permissionType ${permissionName(b.permissionType)}`;
  if (b.resourceName === '') return 'Resource name should not be empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (!b.principal.includes(':')) {
    return `Could not parse principal from \`${b.principal}\` (no colon is present separating the principal type from the principal name)`;
  }
  return null;
}

/** A 32-bit field with bit `op` set for each operation (Kafka's Utils.to32BitField). */
export function operationsBitfield(ops: Iterable<number>): number {
  let field = 0;
  for (const op of ops) field |= 1 << op;
  return field;
}
