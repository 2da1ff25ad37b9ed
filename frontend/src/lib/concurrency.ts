import { isApiError } from './api-client';

/**
 * The API answers 409 when an update lost a race with another change (or hit a
 * uniqueness rule); callers refetch so the user sees the current record.
 */
export const isConflict = (error: unknown): boolean => isApiError(error) && error.status === 409;
