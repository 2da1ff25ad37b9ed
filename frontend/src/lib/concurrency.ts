import { isApiError } from './api-client';

/**
 * Optimistic-concurrency precondition for updates of versioned records
 * (drivers, vehicles): the server may answer 409/412 when the record changed
 * since it was loaded.
 */
export const ifMatch = (version: number): Record<string, string> => ({ 'If-Match': `"${version}"` });

export const isConflict = (error: unknown): boolean =>
  isApiError(error) && (error.status === 409 || error.status === 412);
