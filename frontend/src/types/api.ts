/**
 * HAND-WRITTEN API TYPES — TO BE REPLACED.
 *
 * These mirror the API contract as agreed with the backend while its OpenAPI
 * document (served at /api/schema/) is not yet exported to docs/openapi.json.
 * Once it is, run `npm run gen:api` (writes src/types/api.d.ts) and turn this
 * file into aliases of the generated `components['schemas']` types, e.g.
 *   export type Driver = components['schemas']['Driver'];
 * so that the rest of the app keeps importing from '@/types/api'.
 */

export type Uuid = string;
/** RFC 3339 timestamp. */
export type Timestamp = string;

export type OpsRole = 'OPS_ADMIN' | 'OPS_DISPATCHER';
export type Role = OpsRole | 'DRIVER';

export type ApiErrorBody = {
  error: {
    code: string;
    message: string;
    fields?: Record<string, string>;
  };
  request_id?: string;
};

export type User = {
  id: Uuid;
  email: string;
  full_name: string;
  role: Role;
  is_active: boolean;
  driver_id: Uuid | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
};

export type Tenant = {
  id: Uuid;
  name: string;
  slug: string;
};

export type TokenResponse = {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  /** Lifetime of the access token in seconds (900). */
  expires_in: number;
  user: User;
  tenant: Tenant;
};

export type MeResponse = {
  user: User;
  tenant: Tenant;
};

export type Page<T> = {
  items: T[];
  next_cursor: string | null;
};

export type PageParams = {
  cursor?: string | null;
  limit?: number;
};

export type RegisterRequest = {
  tenant_name: string;
  tenant_slug: string;
  email: string;
  password: string;
  full_name: string;
};

export type LoginRequest = {
  email: string;
  password: string;
};

export type RefreshRequest = {
  refresh_token: string;
};

export type LogoutRequest = {
  refresh_token: string;
};

export type CreateUserRequest = {
  email: string;
  password: string;
  full_name: string;
  role: OpsRole;
};

/** An admin cannot change their own role; a DRIVER login keeps its role. */
export type UpdateUserRequest = {
  role?: OpsRole;
  full_name?: string;
};

export type Driver = {
  id: Uuid;
  name: string;
  /** E.164, e.g. +447700900123 */
  phone: string;
  email: string | null;
  user_id: Uuid | null;
  is_active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
};

export type CreateDriverRequest = {
  name: string;
  phone: string;
  email?: string;
  password?: string;
  is_active?: boolean;
};

/** The email (and login) of a driver cannot be changed through this endpoint. */
export type UpdateDriverRequest = {
  name?: string;
  phone?: string;
  is_active?: boolean;
};

export const VEHICLE_TYPES = ['BIKE', 'CAR', 'VAN', 'TRUCK'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export type Vehicle = {
  id: Uuid;
  plate_number: string;
  type: VehicleType;
  capacity_kg: number;
  is_active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
};

export type CreateVehicleRequest = {
  plate_number: string;
  type: VehicleType;
  capacity_kg: number;
};

export type UpdateVehicleRequest = Partial<CreateVehicleRequest> & { is_active?: boolean };

export type HealthResponse = {
  /** `ok` or `unavailable` (the latter with HTTP 503). */
  status: string;
  /** Dependency -> `ok` or what is wrong with it. */
  checks: Record<string, string>;
};
