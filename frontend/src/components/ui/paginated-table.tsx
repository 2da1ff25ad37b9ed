import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { isApiError } from '@/lib/api-client';
import { flattenPages } from '@/lib/pagination';
import { t } from '@/locales';
import type { Page } from '@/types/api';

import { Button } from './button';
import { ErrorState } from './error-state';
import { Table, TableSkeleton, type Column } from './table';

type PaginatedTableProps<T> = {
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  caption: string;
  columns: readonly Column<T>[];
  getRowId: (row: T) => string;
  /** Shown when the list has no rows at all. */
  empty: ReactNode;
};

/** A cursor-paginated list with loading, empty, error and "load more" states. */
export function PaginatedTable<T>({ query, caption, columns, getRowId, empty }: PaginatedTableProps<T>) {
  const rows = flattenPages(query.data);

  if (query.isPending) return <TableSkeleton columns={Math.min(columns.length, 5)} />;
  if (!rows) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} isRetrying={query.isFetching} />;
  }
  if (rows.length === 0 && !query.hasNextPage) return empty;

  const footer = query.hasNextPage ? (
    <div style={{ display: 'grid', justifyItems: 'center', gap: 'var(--space-2)' }}>
      {/* A filtered list can hand out empty pages that still have more after them. */}
      {rows.length === 0 && <p style={{ color: 'var(--color-text-muted)', textAlign: 'center' }}>{t.common.keepSearching}</p>}
      {query.isFetchNextPageError && (
        <p role="alert" style={{ color: 'var(--color-danger)' }}>
          {isApiError(query.error) ? query.error.message : t.errors.unexpected}
        </p>
      )}
      <Button variant="secondary" onClick={() => void query.fetchNextPage()} isLoading={query.isFetchingNextPage}>
        {query.isFetchNextPageError ? t.common.retry : t.common.loadMore}
      </Button>
    </div>
  ) : undefined;

  if (rows.length === 0) return <div style={{ padding: 'var(--space-4)' }}>{footer}</div>;
  return <Table caption={caption} columns={columns} rows={rows} getRowId={getRowId} footer={footer} />;
}
