import { useState } from 'react';
import { toast } from 'sonner';

import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { DialogForm } from '@/components/ui/form-dialog';
import { TruckIcon } from '@/components/ui/icons';
import { PaginatedTable } from '@/components/ui/paginated-table';
import { RowActions } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { formatDate, formatNumber } from '@/lib/format';
import { t } from '@/locales';
import type { Vehicle } from '@/types/api';

import { vehicleInputSchema } from '../api/create-vehicle';
import { useDeactivateVehicle } from '../api/deactivate-vehicle';
import { useVehicles } from '../api/list-vehicles';
import { useUpdateVehicle, vehicleChanges } from '../api/update-vehicle';

import { CreateVehicle } from './create-vehicle';
import { VEHICLE_FIELDS, VehicleFields } from './vehicle-form';

export function VehiclesList() {
  const vehicles = useVehicles();
  const updateVehicle = useUpdateVehicle();
  const deactivateVehicle = useDeactivateVehicle();
  const [editing, setEditing] = useState<Vehicle | null>(null);
  const [deactivating, setDeactivating] = useState<Vehicle | null>(null);
  const labels = t.vehicles;

  const columns: Column<Vehicle>[] = [
    { id: 'plate', header: labels.columns.plate, rowHeader: true, cell: (v) => v.plate_number },
    { id: 'type', header: labels.columns.type, cell: (v) => <Badge tone="info">{t.vehicleTypes[v.type]}</Badge> },
    {
      id: 'capacity',
      header: labels.columns.capacity,
      align: 'end',
      cell: (v) => labels.capacityValue(formatNumber(v.capacity_kg)),
    },
    { id: 'status', header: labels.columns.status, cell: (v) => <StatusBadge active={v.is_active} /> },
    { id: 'updated', header: labels.columns.updated, muted: true, cell: (v) => formatDate(v.updated_at) },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (v) => (
        <RowActions
          name={v.plate_number}
          onEdit={() => setEditing(v)}
          onDeactivate={v.is_active ? () => setDeactivating(v) : undefined}
          deactivateLabel={labels.deactivate}
        />
      ),
    },
  ];

  return (
    <Card flush>
      <PaginatedTable
        query={vehicles}
        caption={labels.title}
        columns={columns}
        getRowId={(v) => v.id}
        empty={
          <EmptyState
            icon={<TruckIcon size={22} />}
            title={labels.emptyTitle}
            description={labels.emptyBody}
            action={<CreateVehicle variant="secondary" />}
          />
        }
      />

      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? labels.form.editTitle(editing.plate_number) : ''}
      >
        {editing && (
          <DialogForm
            onClose={() => setEditing(null)}
            schema={vehicleInputSchema}
            defaultValues={{ plate_number: editing.plate_number, type: editing.type, capacity_kg: editing.capacity_kg }}
            serverFields={VEHICLE_FIELDS}
            submit={async (values) => {
              const changes = vehicleChanges(editing, values);
              if (Object.keys(changes).length === 0) return false;
              await updateVehicle.mutateAsync({ vehicleId: editing.id, data: changes });
              return true;
            }}
            successMessage={(changed, values) => (changed ? labels.updated(values.plate_number) : null)}
            submitLabel={t.common.save}
          >
            {(form) => <VehicleFields form={form} />}
          </DialogForm>
        )}
      </Dialog>

      <ConfirmDialog
        open={deactivating !== null}
        onClose={() => setDeactivating(null)}
        title={deactivating ? labels.deactivateTitle(deactivating.plate_number) : ''}
        description={labels.deactivateBody}
        confirmLabel={labels.deactivate}
        isPending={deactivateVehicle.isPending}
        onConfirm={() => {
          if (!deactivating) return;
          deactivateVehicle.mutate(deactivating.id, {
            onSuccess: () => {
              toast.success(labels.deactivated(deactivating.plate_number));
              setDeactivating(null);
            },
          });
        }}
      />
    </Card>
  );
}
