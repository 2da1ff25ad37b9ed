import { describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '@/lib/api-client';
import type { ImportJobView } from '@/types/api';

import { getImport, getImportQueryOptions, IMPORT_POLL_MS, isImportFinished } from './get-import';

const job = (status: ImportJobView['status']): ImportJobView => ({
  id: '01JOB',
  status,
  total_rows: 10,
  processed_rows: 5,
  created: 5,
  failed: 0,
  created_at: '2026-12-03T10:00:00Z',
  updated_at: '2026-12-03T10:00:01Z',
});

/** The interval the query asks for after fetching `data` (react-query passes the query). */
const intervalAfter = (data: ImportJobView | undefined) => {
  const options = getImportQueryOptions({} as ApiClient, '01JOB');
  const refetch = options.refetchInterval as (query: { state: { data: ImportJobView | undefined } }) => number | false;
  return refetch({ state: { data } });
};

describe('import job polling', () => {
  it('polls while the job is queued or running', () => {
    expect(intervalAfter(undefined)).toBe(IMPORT_POLL_MS);
    expect(intervalAfter(job('QUEUED'))).toBe(IMPORT_POLL_MS);
    expect(intervalAfter(job('RUNNING'))).toBe(IMPORT_POLL_MS);
  });

  it('stops once the job ended', () => {
    for (const status of ['SUCCEEDED', 'PARTIAL', 'FAILED'] as const) {
      expect(isImportFinished(status)).toBe(true);
      expect(intervalAfter(job(status))).toBe(false);
    }
  });

  it('asks for the job by its id', async () => {
    const get = vi.fn().mockResolvedValue(job('RUNNING'));
    await getImport({ get } as unknown as ApiClient, '01JOB');
    expect(get).toHaveBeenCalledWith('/api/ops/imports/01JOB', { signal: undefined });
  });
});
