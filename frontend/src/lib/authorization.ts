import type { Realm } from '@/lib/token-store';
import type { OpsRole, Role } from '@/types/api';

export const OPS_ROLES: readonly OpsRole[] = ['OPS_ADMIN', 'OPS_DISPATCHER'];

/** Which roles may use each app. The backend enforces the same split (403). */
export const REALM_ROLES: Record<Realm, readonly Role[]> = {
  ops: OPS_ROLES,
  driver: ['DRIVER'],
};

export const isRoleAllowedInRealm = (realm: Realm, role: Role): boolean => REALM_ROLES[realm].includes(role);

/** Permissions within the ops console beyond the realm check (the API enforces the same). */
export const policies = {
  manageUsers: (role: Role) => role === 'OPS_ADMIN',
  /** Webhook and tracking settings, replays. */
  manageSettings: (role: Role) => role === 'OPS_ADMIN',
} as const;

export type Policy = keyof typeof policies;
