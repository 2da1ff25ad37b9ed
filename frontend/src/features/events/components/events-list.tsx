import { useState } from 'react';
import { toast } from 'sonner';

import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { ActivityIcon } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { PaginatedTable } from '@/components/ui/paginated-table';
import type { Column } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { t } from '@/locales';
import { EVENT_TYPES, type EventLogEntry } from '@/types/api';

import { EVENT_STATUSES, useEvents, type EventFilters } from '../api/list-events';
import { useRetryEvent } from '../api/retry-event';

import styles from '@/components/ui/log-view.module.css';

const STATUS_TONES: Record<string, BadgeTone> = { PROCESSED: 'success', PENDING: 'warning', FAILED: 'danger' };

/** The event log; OPS_ADMINs (`canRetry`) may put a FAILED event back. */
export function EventsList({ canRetry = false }: { canRetry?: boolean }) {
  const [filters, setFilters] = useState<EventFilters>({});
  const retry = useRetryEvent();
  const [typeInput, setTypeInput] = useState('');
  const query = useEvents(filters);
  const labels = t.events;

  const columns: Column<EventLogEntry>[] = [
    {
      id: 'type',
      header: labels.type,
      rowHeader: true,
      cell: (event) => (
        <>
          <code>{event.type}</code>
          <span className={styles.secondary}>{event.id}</span>
        </>
      ),
    },
    {
      id: 'status',
      header: labels.status,
      cell: (event) => (
        <>
          <Badge tone={STATUS_TONES[event.status] ?? 'neutral'} dot>
            {labels.statuses[event.status as (typeof EVENT_STATUSES)[number]] ?? event.status}
          </Badge>
          {event.retries > 0 && event.status !== 'PROCESSED' && <span className={styles.secondary}>{labels.attempts(event.retries)}</span>}
          {event.last_error && event.status !== 'PROCESSED' && <span className={styles.secondary}>{labels.lastError(event.last_error)}</span>}
        </>
      ),
    },
    { id: 'created', header: labels.created, muted: true, cell: (event) => formatDateTime(event.created_at) },
    {
      id: 'payload',
      header: labels.payload,
      cell: (event) => (
        <details>
          <summary>{labels.showPayload}</summary>
          <pre className={styles.payload}>{JSON.stringify(event.payload, null, 2)}</pre>
        </details>
      ),
    },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (event) =>
        canRetry &&
        event.status === 'FAILED' && (
          <Button
            variant="ghost"
            size="sm"
            aria-label={labels.retryLabel(event.type)}
            isLoading={retry.isPending && retry.variables === event.id}
            onClick={() =>
              retry.mutate(event.id, {
                onSuccess: (after) =>
                  after.status === 'PROCESSED' ? toast.success(labels.retried(event.type)) : toast.info(labels.retryPending(event.type)),
              })
            }
          >
            {labels.retry}
          </Button>
        ),
    },
  ];

  return (
    <Card flush>
      <form
        className={styles.filters}
        onSubmit={(event) => {
          event.preventDefault();
          setFilters((current) => ({ ...current, type: typeInput.trim() || undefined }));
        }}
      >
        <Field label={labels.type}>
          <Input
            list="cf-event-types"
            value={typeInput}
            placeholder="order.status_changed"
            onChange={(event) => setTypeInput(event.target.value)}
            onBlur={() => setFilters((current) => ({ ...current, type: typeInput.trim() || undefined }))}
          />
          <datalist id="cf-event-types">
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </Field>
        <Field label={labels.status}>
          <Select
            value={filters.status ?? ''}
            onChange={(event) =>
              setFilters((current) => ({ ...current, status: (event.target.value || undefined) as EventFilters['status'] }))
            }
          >
            <option value="">{t.common.all}</option>
            {EVENT_STATUSES.map((status) => (
              <option key={status} value={status}>
                {labels.statuses[status]}
              </option>
            ))}
          </Select>
        </Field>
      </form>
      <PaginatedTable
        query={query}
        caption={labels.title}
        columns={columns}
        getRowId={(event) => event.id}
        empty={<EmptyState icon={<ActivityIcon size={22} />} title={labels.emptyTitle} description={labels.emptyBody} />}
      />
    </Card>
  );
}
