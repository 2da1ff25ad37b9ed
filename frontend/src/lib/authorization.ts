import type { Realm } from '@/lib/token-store';
import type { OpsRole, Role } from '@/types/api';

export const OPS_ROLES: readonly OpsRole[] = ['OPS_ADMIN', 'OPS_DISPATCHER'];

/** Which roles may use each app. The backend enforces the same split (403). */
export const REALM_ROLES: Record<Realm, readonly Role[]> = {
  ops: OPS_ROLES,
  driver: ['DRIVER'],
};

export const isRoleAllowedInRealm = (realm: Realm, role: Role): boolean => REALM_ROLES[realm].includes(role);

/** Fine-grained permissions of the ops console. */
export const policies = {
  manageUsers: (role: Role) => role === 'OPS_ADMIN',
  manageFleet: (role: Role) => role === 'OPS_ADMIN' || role === 'OPS_DISPATCHER',
} as const;

export type Policy = keyof typeof policies;
