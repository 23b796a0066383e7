import type { Random } from './random.js';

/** The directory of a simulated account: its organization tree of depth 3, projects, users and their profiles. */

const TOP_ORG_NAMES = ['Quality', 'Mobile', 'Platform', 'Payments', 'Data'];
const CHILD_ORG_NAMES = ['Automation', 'Manual Testing', 'Performance'];
const LEAF_ORG_NAMES = ['Squad A', 'Squad B'];
export const FIRST_NAMES = [
  'Ana',
  'Bao',
  'Chen',
  'Dmitri',
  'Elif',
  'Femi',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Liam',
  'Mai',
  'Nora',
  'Omar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Thao',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
export const LAST_NAMES = [
  'Nguyen',
  'Smith',
  'Garcia',
  'Müller',
  'Tanaka',
  'Okafor',
  'Rossi',
  'Kowalski',
  'Silva',
  'Johansson',
  'Patel',
  'Kim',
  'Dubois',
  'Haddad',
  'Novak',
  'Tran',
  'Lopez',
  'Andersen',
  'Ivanova',
  'Mensah',
];

export type Profile = 'tester' | 'runner' | 'manager' | 'cloud';
/** Share of users and relative activity of each profile. */
const PROFILES: readonly { profile: Profile; share: number; activity: number }[] = [
  { profile: 'tester', share: 0.55, activity: 1 },
  { profile: 'runner', share: 0.15, activity: 1.6 },
  { profile: 'manager', share: 0.2, activity: 0.6 },
  { profile: 'cloud', share: 0.1, activity: 1 },
];

export interface SimOrg {
  readonly id: string;
  readonly name: string;
  readonly parent: number;
  readonly depth: number;
  /** Organization indexes from this one up to its top-level org. */
  readonly path: readonly number[];
}

export interface SimUser {
  readonly idx: number;
  readonly id: string;
  org: number;
  readonly profile: Profile;
}

export class AccountDirectory {
  readonly orgs: SimOrg[] = [];
  readonly projects: { id: string; org: number }[] = [];
  readonly users: SimUser[] = [];
  /** Cumulative activity weights of users in registration order, to pick active users. */
  readonly cumulativeWeight: Float64Array;
  /** Users registered so far (the first `registered` of `users`). */
  registered = 0;

  constructor(rng: Random, userCount: number) {
    this.#buildOrganizations();
    this.#buildUsers(rng, userCount);
    this.cumulativeWeight = this.#buildWeights(rng);
  }

  /** A registered user, picked by activity weight. */
  pickUser(rng: Random): number {
    const total = this.cumulativeWeight[this.registered - 1];
    const x = rng.next() * total;
    let lo = 0;
    let hi = this.registered - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeWeight[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  #buildOrganizations(): void {
    const add = (name: string, parent: number): number => {
      const idx = this.orgs.length;
      const parentPath = parent < 0 ? [] : this.orgs[parent].path;
      this.orgs.push({ id: `org-${idx + 1}`, name, parent, depth: parentPath.length + 1, path: [idx, ...parentPath] });
      return idx;
    };
    for (const top of TOP_ORG_NAMES) {
      const t = add(top, -1);
      for (const child of CHILD_ORG_NAMES) {
        const c = add(`${top} ${child}`, t);
        for (const leaf of LEAF_ORG_NAMES) add(`${top} ${child} ${leaf}`, c);
      }
    }
    for (const org of this.orgs) {
      if (org.depth === 1) this.projects.push({ id: `prj-${this.projects.length + 1}`, org: org.path[0] });
      if (org.depth <= 2) this.projects.push({ id: `prj-${this.projects.length + 1}`, org: org.path[0] });
    }
  }

  #buildUsers(rng: Random, count: number): void {
    const orgWeights = this.orgs.map((o) => (o.depth === 3 ? 3 : o.depth === 2 ? 1.5 : 0.5));
    const orgTotal = orgWeights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < count; i++) {
      let x = rng.next() * orgTotal;
      let org = 0;
      while (x >= orgWeights[org]) x -= orgWeights[org++];
      let y = rng.next();
      let profile: Profile = 'tester';
      for (const p of PROFILES) {
        if (y < p.share) {
          profile = p.profile;
          break;
        }
        y -= p.share;
      }
      this.users.push({ idx: i, id: `u-${String(i + 1).padStart(6, '0')}`, org: Math.min(org, this.orgs.length - 1), profile });
    }
  }

  #buildWeights(rng: Random): Float64Array {
    const cumulative = new Float64Array(this.users.length);
    let sum = 0;
    for (const user of this.users) {
      const activity = PROFILES.find((p) => p.profile === user.profile)!.activity;
      sum += activity * Math.exp(0.8 * rng.gaussian());
      cumulative[user.idx] = sum;
    }
    return cumulative;
  }
}

export function machineOf(user: SimUser): string {
  return `m-${user.id}`;
}
