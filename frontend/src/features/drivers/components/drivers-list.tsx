import { useState } from 'react';
import { toast } from 'sonner';

import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { SteeringWheelIcon } from '@/components/ui/icons';
import { PaginatedTable } from '@/components/ui/paginated-table';
import { RowActions } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { t } from '@/locales';
import type { Driver } from '@/types/api';

import { useDeactivateDriver } from '../api/deactivate-driver';
import { useDrivers } from '../api/list-drivers';

import { CreateDriver } from './create-driver';
import { EditDriverDialog } from './edit-driver';

export function DriversList() {
  const drivers = useDrivers();
  const deactivateDriver = useDeactivateDriver();
  const [editing, setEditing] = useState<Driver | null>(null);
  const [deactivating, setDeactivating] = useState<Driver | null>(null);
  const labels = t.drivers;

  const columns: Column<Driver>[] = [
    { id: 'name', header: labels.columns.name, rowHeader: true, cell: (d) => d.name },
    { id: 'phone', header: labels.columns.phone, cell: (d) => <span style={{ whiteSpace: 'nowrap' }}>{d.phone}</span> },
    { id: 'email', header: labels.columns.email, muted: true, cell: (d) => d.email ?? t.common.emptyValue },
    {
      id: 'app',
      header: labels.columns.appAccess,
      cell: (d) =>
        d.user_id ? (
          <Badge tone="info">{labels.appAccessEnabled}</Badge>
        ) : (
          <Badge tone="neutral">{labels.appAccessDisabled}</Badge>
        ),
    },
    { id: 'status', header: labels.columns.status, cell: (d) => <StatusBadge active={d.is_active} /> },
    { id: 'updated', header: labels.columns.updated, muted: true, cell: (d) => formatDate(d.updated_at) },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (d) => (
        <RowActions
          name={d.name}
          onEdit={() => setEditing(d)}
          onDeactivate={d.is_active ? () => setDeactivating(d) : undefined}
          deactivateLabel={labels.deactivate}
        />
      ),
    },
  ];

  return (
    <Card flush>
      <PaginatedTable
        query={drivers}
        caption={labels.title}
        columns={columns}
        getRowId={(d) => d.id}
        empty={
          <EmptyState
            icon={<SteeringWheelIcon size={22} />}
            title={labels.emptyTitle}
            description={labels.emptyBody}
            action={<CreateDriver variant="secondary" />}
          />
        }
      />

      <EditDriverDialog driver={editing} onClose={() => setEditing(null)} />

      <ConfirmDialog
        open={deactivating !== null}
        onClose={() => setDeactivating(null)}
        title={deactivating ? labels.deactivateTitle(deactivating.name) : ''}
        description={labels.deactivateBody}
        confirmLabel={labels.deactivate}
        isPending={deactivateDriver.isPending}
        onConfirm={() => {
          if (!deactivating) return;
          deactivateDriver.mutate(deactivating.id, {
            onSuccess: () => {
              toast.success(labels.deactivated(deactivating.name));
              setDeactivating(null);
            },
          });
        }}
      />
    </Card>
  );
}
