import { useState } from 'react';
import { toast } from 'sonner';

import { Badge, StatusBadge, type BadgeTone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { UsersIcon } from '@/components/ui/icons';
import { PaginatedTable } from '@/components/ui/paginated-table';
import { RowActions } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { t } from '@/locales';
import type { Role, User } from '@/types/api';

import { useDeactivateUser } from '../api/deactivate-user';
import { useUsers } from '../api/list-users';

import { CreateUser } from './create-user';
import { EditUserDialog } from './edit-user';

const ROLE_TONES: Record<Role, BadgeTone> = {
  OPS_ADMIN: 'warning',
  OPS_DISPATCHER: 'info',
  DRIVER: 'neutral',
};

export function UsersList({ currentUserId }: { currentUserId: string }) {
  const users = useUsers();
  const deactivateUser = useDeactivateUser();
  const [editing, setEditing] = useState<User | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const labels = t.users;

  const columns: Column<User>[] = [
    {
      id: 'name',
      header: labels.columns.name,
      rowHeader: true,
      cell: (u) => (
        <>
          {u.full_name}
          {u.id === currentUserId && (
            <span style={{ color: 'var(--color-text-subtle)', fontWeight: 400 }}> ({t.common.you})</span>
          )}
        </>
      ),
    },
    { id: 'email', header: labels.columns.email, muted: true, cell: (u) => u.email },
    { id: 'role', header: labels.columns.role, cell: (u) => <Badge tone={ROLE_TONES[u.role]}>{t.roles[u.role]}</Badge> },
    { id: 'status', header: labels.columns.status, cell: (u) => <StatusBadge active={u.is_active} /> },
    { id: 'created', header: labels.columns.created, muted: true, cell: (u) => formatDate(u.created_at) },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (u) => (
        <RowActions
          name={u.full_name}
          onEdit={u.is_active ? () => setEditing(u) : undefined}
          onDeactivate={u.is_active && u.id !== currentUserId ? () => setDeactivating(u) : undefined}
          deactivateLabel={labels.deactivate}
        />
      ),
    },
  ];

  return (
    <Card flush>
      <PaginatedTable
        query={users}
        caption={labels.title}
        columns={columns}
        getRowId={(u) => u.id}
        empty={
          <EmptyState
            icon={<UsersIcon size={22} />}
            title={labels.emptyTitle}
            description={labels.emptyBody}
            action={<CreateUser variant="secondary" />}
          />
        }
      />

      <EditUserDialog user={editing} currentUserId={currentUserId} onClose={() => setEditing(null)} />

      <ConfirmDialog
        open={deactivating !== null}
        onClose={() => setDeactivating(null)}
        title={deactivating ? labels.deactivateTitle(deactivating.full_name) : ''}
        description={labels.deactivateBody}
        confirmLabel={labels.deactivate}
        isPending={deactivateUser.isPending}
        onConfirm={() => {
          if (!deactivating) return;
          deactivateUser.mutate(deactivating.id, {
            onSuccess: () => {
              toast.success(labels.deactivated(deactivating.full_name));
              setDeactivating(null);
            },
          });
        }}
      />
    </Card>
  );
}
