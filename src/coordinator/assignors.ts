/**
 * Server-side partition assignors of KIP-848 consumer groups, as Kafka's group
 * coordinator has them (`group.consumer.assignors`, default `uniform,range`):
 *
 * - `uniform`: spreads all subscribed partitions as evenly as possible over the
 *   members (each member only gets partitions of topics it subscribes to), and
 *   is sticky: a member keeps the partitions of its previous target assignment
 *   unless they are needed to restore balance.
 * - `range`: per topic, the subscribed members get contiguous ranges of
 *   partitions (so co-partitioned topics line up, partition i of every topic
 *   going to the same member), `floor(n / members)` each with the first
 *   `n % members` getting one more; sticky like Kafka's server-side range
 *   assignor: a member keeps as many of its previous partitions as its quota allows.
 *
 * Assignors are pure functions of an AssignmentSpec; members are visited in
 * member-id order so results are deterministic.
 */

/** Topic id → partition indexes. Treated as an immutable value once built. */
export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

export interface AssignmentMemberSpec {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** Ids of the existing topics the member subscribes to (by name or regex). */
  readonly subscribedTopicIds: ReadonlySet<string>;
  /** The member's previous target assignment; assignors use it to stay sticky. */
  readonly currentAssignment: Assignment;
}

export interface AssignmentSpec {
  readonly members: readonly AssignmentMemberSpec[];
  /** Partition count of every topic some member subscribes to, by topic id. */
  readonly partitionCounts: ReadonlyMap<string, number>;
}

export interface ServerAssignor {
  readonly name: string;
  /** The new target assignment of every member in the spec (members without partitions may be absent). */
  assign(spec: AssignmentSpec): Map<string, Assignment>;
}

/** Member-id order, the deterministic visiting order of both assignors. */
function sortedMembers(spec: AssignmentSpec): AssignmentMemberSpec[] {
  return [...spec.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** Mutable working copy: member → topic → partitions. */
type Working = Map<string, Map<string, Set<number>>>;

function freeze(w: Working): Map<string, Assignment> {
  const out = new Map<string, Assignment>();
  for (const [memberId, topics] of w) {
    const a = new Map<string, ReadonlySet<number>>();
    for (const [topicId, parts] of topics) if (parts.size > 0) a.set(topicId, parts);
    out.set(memberId, a);
  }
  return out;
}

function add(w: Working, memberId: string, topicId: string, partition: number): void {
  let topics = w.get(memberId);
  if (!topics) w.set(memberId, (topics = new Map()));
  let parts = topics.get(topicId);
  if (!parts) topics.set(topicId, (parts = new Set()));
  parts.add(partition);
}

const key = (topicId: string, partition: number): string => `${topicId}:${partition}`;

/**
 * Uniform: balanced and sticky, for homogeneous and heterogeneous subscriptions.
 *  1. every member keeps the still-valid partitions of its previous assignment
 *     (topic still subscribed and existing, partition in range, not kept twice);
 *  2. unassigned partitions (topic by topic, in partition order) go to the least
 *     loaded subscribed member;
 *  3. while some member holds at least two partitions more than another member
 *     that could take one of them, the highest such partition moves over.
 * With identical subscriptions this ends with every member at floor or ceil of
 * partitions / members, having moved as few partitions as balance requires.
 */
export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign(spec) {
    const members = sortedMembers(spec);
    const w: Working = new Map(members.map((m) => [m.memberId, new Map()]));
    const load = new Map<string, number>(members.map((m) => [m.memberId, 0]));
    const taken = new Set<string>();

    // 1. Sticky part.
    for (const m of members) {
      for (const [topicId, parts] of m.currentAssignment) {
        const n = spec.partitionCounts.get(topicId);
        if (n === undefined || !m.subscribedTopicIds.has(topicId)) continue;
        for (const p of [...parts].sort((a, b) => a - b)) {
          if (p < 0 || p >= n || taken.has(key(topicId, p))) continue;
          taken.add(key(topicId, p));
          add(w, m.memberId, topicId, p);
          load.set(m.memberId, load.get(m.memberId)! + 1);
        }
      }
    }

    // 2. Hand out what is left to the least loaded eligible member.
    const topicIds = [...spec.partitionCounts.keys()].sort();
    for (const topicId of topicIds) {
      const eligible = members.filter((m) => m.subscribedTopicIds.has(topicId));
      if (eligible.length === 0) continue;
      const n = spec.partitionCounts.get(topicId)!;
      for (let p = 0; p < n; p++) {
        if (taken.has(key(topicId, p))) continue;
        let best = eligible[0]!;
        for (const m of eligible) if (load.get(m.memberId)! < load.get(best.memberId)!) best = m;
        taken.add(key(topicId, p));
        add(w, best.memberId, topicId, p);
        load.set(best.memberId, load.get(best.memberId)! + 1);
      }
    }

    // 3. Rebalance: move partitions from the most to the least loaded members.
    const maxMoves = taken.size * Math.max(1, members.length);
    for (let moves = 0; moves < maxMoves; moves++) {
      const byLoad = [...members].sort((a, b) => load.get(b.memberId)! - load.get(a.memberId)! || (a.memberId < b.memberId ? -1 : 1));
      let moved = false;
      outer: for (const from of byLoad) {
        for (let i = byLoad.length - 1; i >= 0; i--) {
          const to = byLoad[i]!;
          if (load.get(from.memberId)! - load.get(to.memberId)! <= 1) break;
          const topics = w.get(from.memberId)!;
          const candidates = [...topics.keys()].filter((t) => to.subscribedTopicIds.has(t) && topics.get(t)!.size > 0).sort();
          if (candidates.length === 0) continue;
          const topicId = candidates[candidates.length - 1]!;
          const parts = topics.get(topicId)!;
          const p = Math.max(...parts);
          parts.delete(p);
          add(w, to.memberId, topicId, p);
          load.set(from.memberId, load.get(from.memberId)! - 1);
          load.set(to.memberId, load.get(to.memberId)! + 1);
          moved = true;
          break outer;
        }
      }
      if (!moved) break;
    }
    return freeze(w);
  },
};

/**
 * Range: for each topic, its subscribed members (in member-id order) split the
 * partitions in contiguous ranges; quota floor(n / k), and the first n % k
 * members to claim it get one extra. Sticky: a member first keeps the lowest of
 * its previous partitions of the topic up to its quota (plus its previous extra
 * one while extras remain), then the unassigned partitions are handed out in
 * ascending order to members still under quota.
 */
export const rangeAssignor: ServerAssignor = {
  name: 'range',
  assign(spec) {
    const members = sortedMembers(spec);
    const w: Working = new Map(members.map((m) => [m.memberId, new Map()]));
    const topicIds = [...spec.partitionCounts.keys()].sort();
    for (const topicId of topicIds) {
      const n = spec.partitionCounts.get(topicId)!;
      const subscribed = members.filter((m) => m.subscribedTopicIds.has(topicId));
      if (subscribed.length === 0 || n <= 0) continue;
      const quota = Math.floor(n / subscribed.length);
      let extras = n % subscribed.length;
      const kept = new Set<number>();
      const unfilled: { memberId: string; remaining: number }[] = [];

      for (const m of subscribed) {
        const previous = [...(m.currentAssignment.get(topicId) ?? [])].filter((p) => p >= 0 && p < n).sort((a, b) => a - b);
        const own = previous.filter((p) => !kept.has(p));
        const retain = Math.min(own.length, quota);
        for (let i = 0; i < retain; i++) {
          kept.add(own[i]!);
          add(w, m.memberId, topicId, own[i]!);
        }
        const remaining = quota - own.length;
        if (remaining < 0 && extras > 0) {
          // It had more than the quota: it keeps one extra partition while extras remain.
          extras--;
          kept.add(own[quota]!);
          add(w, m.memberId, topicId, own[quota]!);
        } else {
          unfilled.push({ memberId: m.memberId, remaining: quota - retain });
        }
      }

      const free: number[] = [];
      for (let p = 0; p < n; p++) if (!kept.has(p)) free.push(p);
      let next = 0;
      for (const u of unfilled) {
        let remaining = u.remaining;
        if (extras > 0) {
          remaining++;
          extras--;
        }
        for (let i = 0; i < remaining && next < free.length; i++) add(w, u.memberId, topicId, free[next++]!);
      }
    }
    return freeze(w);
  },
};

/** Built-in assignors by name; the first is the default (`group.consumer.assignors=uniform,range`). */
export const SERVER_ASSIGNORS: readonly ServerAssignor[] = [uniformAssignor, rangeAssignor];
