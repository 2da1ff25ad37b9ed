import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { AlertTriangleIcon } from '@/components/ui/icons';
import { Select } from '@/components/ui/input';
import { PaginatedTable } from '@/components/ui/paginated-table';
import type { Column } from '@/components/ui/table';
import { paths } from '@/config/paths';
import { formatDateTime } from '@/lib/format';
import { t } from '@/locales';
import {
  EXCEPTION_STATUSES,
  EXCEPTION_TYPES,
  type ExceptionStatus,
  type ExceptionType,
  type OrderException,
} from '@/types/api';

import { useExceptions, type ExceptionFilters } from '../api/list-exceptions';

import { ExceptionActions } from './exception-actions';
import { ExceptionStatusBadge } from './exception-status-badge';
import styles from './exceptions.module.css';

/** Status and type filters, kept in the URL. */
function useExceptionFilterParams(): [ExceptionFilters, (next: Partial<Record<'status' | 'type', string>>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<ExceptionFilters>(() => {
    const status = params.get('status');
    const type = params.get('type');
    return {
      status: EXCEPTION_STATUSES.includes(status as ExceptionStatus) ? (status as ExceptionStatus) : undefined,
      type: EXCEPTION_TYPES.includes(type as ExceptionType) ? (type as ExceptionType) : undefined,
    };
  }, [params]);
  const update = useCallback(
    (next: Partial<Record<'status' | 'type', string>>) =>
      setParams(
        (current) => {
          const merged = new URLSearchParams(current);
          for (const [key, value] of Object.entries(next)) {
            if (value) merged.set(key, value);
            else merged.delete(key);
          }
          return merged;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [filters, update];
}

type ExceptionsListProps = {
  /** Called after an exception changed, e.g. to refetch its order. */
  onChanged?: (exception: OrderException) => void;
};

export function ExceptionsList({ onChanged }: ExceptionsListProps) {
  const [filters, setFilters] = useExceptionFilterParams();
  const exceptions = useExceptions(filters);
  const labels = t.exceptions;
  const filtered = Boolean(filters.status || filters.type);

  const columns: Column<OrderException>[] = [
    {
      id: 'type',
      header: labels.columns.type,
      rowHeader: true,
      cell: (exception) => t.exceptionTypes[exception.type],
    },
    { id: 'status', header: labels.columns.status, cell: (exception) => <ExceptionStatusBadge status={exception.status} /> },
    {
      id: 'notes',
      header: labels.columns.notes,
      cell: (exception) => (
        <div className={styles.notes}>
          {exception.notes ?? t.common.emptyValue}
          {exception.ack_note && <div className={styles.meta}>{labels.ackNote(exception.ack_note)}</div>}
          {exception.resolution && <div className={styles.meta}>{labels.resolution(exception.resolution)}</div>}
        </div>
      ),
    },
    {
      id: 'order',
      header: labels.columns.order,
      cell: (exception) => (
        <Link to={paths.ops.order(exception.order_id)} className={styles.nowrap}>
          {labels.viewOrder}
        </Link>
      ),
    },
    {
      id: 'raised',
      header: labels.columns.raised,
      muted: true,
      cell: (exception) => <span className={styles.nowrap}>{formatDateTime(exception.created_at)}</span>,
    },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (exception) => <ExceptionActions exception={exception} onChanged={onChanged} />,
    },
  ];

  return (
    <Card flush>
      <div className={styles.filters}>
        <Field label={labels.filters.status}>
          <Select value={filters.status ?? ''} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">{labels.filters.allStatuses}</option>
            {EXCEPTION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t.exceptionStatuses[status]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={labels.filters.type}>
          <Select value={filters.type ?? ''} onChange={(event) => setFilters({ type: event.target.value })}>
            <option value="">{labels.filters.allTypes}</option>
            {EXCEPTION_TYPES.map((type) => (
              <option key={type} value={type}>
                {t.exceptionTypes[type]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <PaginatedTable
        query={exceptions}
        caption={labels.title}
        columns={columns}
        getRowId={(exception) => exception.id}
        empty={
          filtered ? (
            <EmptyState title={labels.noMatchesTitle} description={labels.noMatchesBody} />
          ) : (
            <EmptyState icon={<AlertTriangleIcon size={22} />} title={labels.emptyTitle} description={labels.emptyBody} />
          )
        }
      />
    </Card>
  );
}
