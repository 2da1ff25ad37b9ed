import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { RequirePolicy } from '@/features/auth/components/require-policy';
import { useSession } from '@/features/auth/components/session';
import { CreateUser } from '@/features/users/components/create-user';
import { UsersList } from '@/features/users/components/users-list';
import { t } from '@/locales';

export default function UsersRoute() {
  const { user } = useSession();
  return (
    <RequirePolicy
      policy="manageUsers"
      fallback={
        <>
          <PageHeader title={t.users.title} />
          <Card>
            <EmptyState icon={<LockIcon size={22} />} title={t.errors.forbiddenTitle} description={t.users.adminOnly} />
          </Card>
        </>
      }
    >
      <PageHeader title={t.users.title} description={t.users.subtitle} actions={<CreateUser />} />
      <UsersList currentUserId={user.id} />
    </RequirePolicy>
  );
}
