import type { ReactNode } from 'react';

import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon } from '@/components/ui/icons';
import { policies, type Policy } from '@/lib/authorization';
import { t } from '@/locales';

import { useSession } from './session';

/** Whether the signed-in user passes a policy, e.g. `usePolicy('manageUsers')`. */
export function usePolicy(policy: Policy): boolean {
  const { user } = useSession();
  return policies[policy](user.role);
}

type RequirePolicyProps = {
  policy: Policy;
  children: ReactNode;
  /** Rendered when the policy fails; defaults to a "no access" state. */
  fallback?: ReactNode;
};

export function RequirePolicy({ policy, children, fallback }: RequirePolicyProps) {
  const allowed = usePolicy(policy);
  if (allowed) return children;
  return (
    fallback ?? (
      <EmptyState icon={<LockIcon size={22} />} title={t.errors.forbiddenTitle} description={t.errors.forbiddenBody} />
    )
  );
}
