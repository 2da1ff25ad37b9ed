import { useState } from 'react';

import { Badge } from '@/components/ui/badge';
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

import { EVENT_STATUSES, useEvents, type EventFilters } from '../api/get-events';

import styles from '@/components/ui/log-view.module.css';

export function EventsList() {
  const [filters, setFilters] = useState<EventFilters>({});
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
        <Badge tone={event.status === 'PROCESSED' ? 'success' : 'warning'} dot>
          {labels.statuses[event.status as (typeof EVENT_STATUSES)[number]] ?? event.status}
        </Badge>
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
