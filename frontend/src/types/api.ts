/**
 * API types: aliases of the types generated from the backend's OpenAPI document
 * (`npm run gen:api` writes `api.d.ts` from ../docs/openapi.json; do not edit
 * that file by hand). The rest of the app imports from '@/types/api' only, so a
 * regenerated contract shows up as type errors where the app disagrees with it.
 *
 * Also here: the few runtime lists of enum values the UI needs (selects,
 * filters), each checked against the generated union.
 */
import type { components } from './api.d';

type Schemas = components['schemas'];

/** A ULID. */
export type Uuid = string;
/** RFC 3339 timestamp. */
export type Timestamp = string;

export type Role = Schemas['Role'];
export type OpsRole = Exclude<Role, 'DRIVER'>;

export type ApiErrorBody = Schemas['ErrorBody'];

export type User = Schemas['User'];
export type Tenant = Schemas['TenantSummary'];
export type TokenResponse = Schemas['TokenResponse'];
export type MeResponse = Schemas['MeResponse'];

/**
 * One page of a cursor-paginated list (`UserPage`, `DriverPage`, `OrderPage`…
 * all share this shape). Pass `next_cursor` back as `cursor` for the next page.
 */
export type Page<T> = {
  items: T[];
  next_cursor?: string | null;
};

export type PageParams = {
  cursor?: string | null;
  limit?: number;
};

export type RegisterRequest = Schemas['RegisterRequest'];
export type LoginRequest = Schemas['LoginRequest'];
export type RefreshRequest = Schemas['RefreshRequest'];
export type RegistrationAccepted = Schemas['RegistrationAccepted'];
export type ConfirmRegistrationRequest = Schemas['ConfirmRegistrationRequest'];

export type CreateUserRequest = Schemas['CreateUserRequest'];
/** An admin cannot change their own role; a DRIVER login keeps its role. */
export type UpdateUserRequest = Schemas['UpdateUserRequest'];

export type Driver = Schemas['Driver'];
export type CreateDriverRequest = Schemas['CreateDriverRequest'];
/** The email (and login) of a driver cannot be changed through this endpoint. */
export type UpdateDriverRequest = Schemas['UpdateDriverRequest'];

export type VehicleType = Schemas['VehicleType'];
export type Vehicle = Schemas['Vehicle'];
export type CreateVehicleRequest = Schemas['CreateVehicleRequest'];
export type UpdateVehicleRequest = Schemas['UpdateVehicleRequest'];

export type HealthResponse = Schemas['HealthResponse'];

/** The ops dashboard's counts of one day (orders by status, routes by status, open exceptions). */
export type Dashboard = Schemas['Dashboard'];

// ---------------------------------------------------------------- orders

export type OrderStatus = Schemas['OrderStatus'];
export type StopType = Schemas['StopType'];
export type StopStatus = Schemas['StopStatus'];
export type ActorType = Schemas['ActorType'];
export type TimeWindow = Schemas['TimeWindow'];
export type Stop = Schemas['Stop'];
export type PackageDetails = Schemas['PackageDetails'];
export type ItemLine = Schemas['ItemLine'];
export type Order = Schemas['Order'];
export type OrderDetail = Schemas['OrderDetailResponse'];
export type StatusHistoryEntry = Schemas['StatusHistoryEntry'];

export type OrderInput = Schemas['OrderInput'];
export type StopInput = Schemas['StopInput'];
export type WindowInput = Schemas['WindowInput'];
export type PackageInput = Schemas['PackageInput'];
export type ItemLineInput = Schemas['ItemLineInput'];
export type UpdateOrderRequest = Schemas['UpdateOrderRequest'];
export type CancelOrderRequest = Schemas['CancelOrderRequest'];

export type ImportJobView = Schemas['ImportJobView'];
export type ImportJobPage = Schemas['ImportJobPage'];
export type ImportStatus = Schemas['ImportStatus'];
export type ImportRowResult = Schemas['ImportRowResult'];

export type ExceptionType = Schemas['ExceptionType'];
export type ExceptionStatus = Schemas['ExceptionStatus'];
export type OrderException = Schemas['OrderException'];
export type CreateExceptionRequest = Schemas['CreateExceptionRequest'];
export type AckExceptionRequest = Schemas['AckExceptionRequest'];
export type ResolveExceptionRequest = Schemas['ResolveExceptionRequest'];

// ---------------------------------------------------------------- routes

export type RouteStatus = Schemas['RouteStatus'];
export type Route = Schemas['Route'];
export type RouteStop = Schemas['RouteStop'];
export type RouteDetail = Schemas['RouteDetailResponse'];
export type RouteProgress = Schemas['RouteProgress'];
export type CreateRouteRequest = Schemas['CreateRouteRequest'];
export type ReorderRouteRequest = Schemas['ReorderRouteRequest'];
export type AddRouteOrdersRequest = Schemas['AddRouteOrdersRequest'];
export type CancelRouteRequest = Schemas['CancelRouteRequest'];
export type ReassignOrderRequest = Schemas['ReassignOrderRequest'];

// ---------------------------------------------------------------- driver app

export type DriverMe = Schemas['DriverMeResponse'];
/** The moves a driver makes with update_order_status (DELIVERED goes through the POD). */
export type DriverStatusMove = 'PICKED_UP' | 'IN_TRANSIT' | 'FAILED';
export type UpdateOrderStatusRequest = Omit<Schemas['UpdateOrderStatusRequest'], 'to_status'> & {
  to_status: DriverStatusMove;
};
export type ScanRequest = Schemas['ScanRequest'];

// ---------------------------------------------------------------- webhooks and events

export type WebhookSettings = Schemas['WebhookSettingsView'];
export type PutWebhookSettingsRequest = Schemas['PutWebhookSettingsRequest'];
export type PutWebhookSettingsResponse = Schemas['PutWebhookSettingsResponse'];
/** A delivery attempt as the caller may see it: the full `url` for OPS_ADMIN only, `receiver_host` for all. */
export type WebhookDelivery = Schemas['DeliveryView'];
export type ReplayResponse = Schemas['ReplayResponse'];
export type DlqReplayResponse = Schemas['DlqReplayResponse'];
export type EventLogEntry = Schemas['EventLogEntry'];

// ---------------------------------------------------------------- POD and tracking

export type PodFileKind = Schemas['PodFileKind'];
/** The image types the API signs uploads for (`PodFileRequest.content_type`). */
export type PodContentType = 'image/jpeg' | 'image/png' | 'image/webp';
export type PodUploadRequest = Schemas['CreatePodUploadsRequest'];
export type PodUpload = Schemas['PresignedUpload'];
export type PodUploadsResponse = Schemas['CreatePodUploadsResponse'];
export type CreatePodRequest = Schemas['CreatePodRequest'];
export type Pod = Schemas['Pod'];
export type CreatePodResponse = Schemas['CreatePodResponse'];
/** GET /api/ops/orders/{id}/pod: short-lived presigned URLs of the files. */
export type PodView = Schemas['PodResponse'];
/** `pod` of get_order. */
export type PodSummary = Schemas['PodSummary'];
export type TrackingLinkResponse = Schemas['TrackingLinkResponse'];
export type TrackingSettings = Schemas['TrackingSettings'];
export type PutTrackingSettingsRequest = Schemas['PutTrackingSettingsRequest'];
export type TrackingView = Schemas['TrackingView'];

// ---------------------------------------------------------------- enum values

/** Lists every member of a union exactly once (the record makes the compiler check it). */
const valuesOf = <T extends string>(record: Record<T, true>): readonly T[] => Object.keys(record) as T[];

export const VEHICLE_TYPES = ['BIKE', 'CAR', 'VAN', 'TRUCK'] as const satisfies readonly VehicleType[];

/** In status-machine order. */
export const ORDER_STATUSES = valuesOf<OrderStatus>({
  CREATED: true,
  ASSIGNED: true,
  PICKED_UP: true,
  IN_TRANSIT: true,
  DELIVERED: true,
  FAILED: true,
  CANCELLED: true,
});

export const STOP_TYPES = valuesOf<StopType>({ PICKUP: true, DROP: true });

export const EXCEPTION_TYPES = valuesOf<ExceptionType>({
  DELAY: true,
  FAILED_ATTEMPT: true,
  WRONG_ADDRESS: true,
  CUSTOMER_UNAVAILABLE: true,
  DAMAGED: true,
  OTHER: true,
});

export const EXCEPTION_STATUSES = valuesOf<ExceptionStatus>({ OPEN: true, ACKNOWLEDGED: true, RESOLVED: true });

export const ROUTE_STATUSES = valuesOf<RouteStatus>({ PLANNED: true, IN_PROGRESS: true, COMPLETED: true, CANCELLED: true });

/** Event types of the outbox (docs/API.md, Events): webhook subscriptions and the event log filter. */
export const EVENT_TYPES = [
  'order.created',
  'order.updated',
  'order.status_changed',
  'order.cancelled',
  'order.assigned',
  'order.reassigned',
  'exception.created',
  'exception.acknowledged',
  'exception.resolved',
  'route.created',
  'route.updated',
  'route.started',
  'route.completed',
  'route.cancelled',
  'route.reminder',
  'pod.created',
] as const;
