import { recordId, stableDigits } from './ids.js';
import { type LeadRecord, seedLeads } from './leads.js';

/** A Zoho user as the CRM knows them. */
export interface CrmUser {
  id: string;
  zuid: string;
  email: string;
  firstName: string;
  lastName: string;
  orgId: string;
}

/** A CRM organisation with its records. */
export interface CrmOrg {
  id: string;
  zgid: string;
  /** Leading digits shared by every record id in this org. */
  idPrefix: string;
  companyName: string;
  primaryEmail: string;
  primaryZuid: string;
  leads: LeadRecord[];
}

/** How many leads a new org gets: a few pages' worth at small `per_page`. */
export const DEFAULT_SEED_LEADS = 42;

/** Users and orgs as saved in a state file. */
export interface DirectorySnapshot {
  users: CrmUser[];
  orgs: CrmOrg[];
}

/** Users and their orgs. Unknown users are created on first mention, each with an org. */
export class Directory {
  readonly #users = new Map<string, CrmUser>();
  readonly #orgs = new Map<string, CrmOrg>();
  readonly #onChange: () => void;

  /** `snapshot` restores users and orgs saved by an earlier run; `onChange` hears new users. */
  constructor(snapshot?: DirectorySnapshot, onChange: () => void = () => {}) {
    this.#onChange = onChange;
    for (const org of snapshot?.orgs ?? []) this.#orgs.set(org.id, org);
    for (const user of snapshot?.users ?? []) this.#users.set(normaliseEmail(user.email), user);
  }

  /** The records themselves, for serialising at once; callers must not change them. */
  snapshot(): DirectorySnapshot {
    return { users: [...this.#users.values()], orgs: [...this.#orgs.values()] };
  }

  /** Returns the user with this email, creating them and their org when new. */
  ensureUser(email: string, seedLeadCount = DEFAULT_SEED_LEADS): CrmUser {
    const key = normaliseEmail(email);
    const existing = this.#users.get(key);
    if (existing) return existing;

    const org = newOrg(key);
    const user = newUser(key, org);
    org.leads = seedLeads(org.idPrefix, user, seedLeadCount);
    this.#orgs.set(org.id, org);
    this.#users.set(key, user);
    this.#onChange();
    return user;
  }

  findUser(email: string): CrmUser | undefined {
    return this.#users.get(normaliseEmail(email));
  }

  findOrg(orgId: string): CrmOrg | undefined {
    return this.#orgs.get(orgId);
  }

  orgOf(user: CrmUser): CrmOrg {
    const org = this.#orgs.get(user.orgId);
    if (!org) throw new Error(`user ${user.email} has no org`);
    return org;
  }

  usersOf(org: CrmOrg): CrmUser[] {
    return [...this.#users.values()].filter((u) => u.orgId === org.id);
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value.trim());
}

/** A display name for a user; Zoho's `full_name` and record `Owner.name`. */
export function fullName(user: CrmUser): string {
  return `${user.firstName} ${user.lastName}`;
}

// Ids derive from the email so they are stable across runs, as the brief for tests asks.
function newOrg(email: string): CrmOrg {
  const idPrefix = stableDigits(`org:${email}`, 7);
  return {
    id: recordId(idPrefix, 1),
    zgid: stableDigits(`zgid:${email}`, 9),
    idPrefix,
    companyName: companyFromEmail(email),
    primaryEmail: email,
    primaryZuid: stableDigits(`zuid:${email}`, 9),
    leads: [],
  };
}

function newUser(email: string, org: CrmOrg): CrmUser {
  const [first, last] = namesFromEmail(email);
  return {
    id: recordId(org.idPrefix, 411_001),
    zuid: stableDigits(`zuid:${email}`, 9),
    email,
    firstName: first,
    lastName: last,
    orgId: org.id,
  };
}

function namesFromEmail(email: string): [string, string] {
  const local = email.split('@')[0] ?? 'user';
  const parts = local.split(/[._-]+/).filter((p) => p !== '');
  const first = capitalise(parts[0] ?? 'Emulator');
  const last = parts.length > 1 ? capitalise(parts.slice(1).join(' ')) : 'User';
  return [first, last];
}

function companyFromEmail(email: string): string {
  const domain = email.split('@')[1] ?? 'example.com';
  return capitalise(domain.split('.')[0] ?? domain);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
