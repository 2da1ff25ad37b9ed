import { useNavigate } from 'react-router';
import { toast } from 'sonner';

import { Button, type ButtonProps } from '@/components/ui/button';
import { LogOutIcon } from '@/components/ui/icons';
import { realmPaths } from '@/config/paths';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';

import { useLogout } from '../api/logout';

export function SignOutButton(props: Omit<ButtonProps, 'onClick' | 'isLoading'>) {
  const api = useApiClient();
  const navigate = useNavigate();
  const logout = useLogout();

  const signOut = async () => {
    // The local session is gone even if the server could not be told.
    await logout.mutateAsync().catch(() => undefined);
    toast.success(t.auth.signedOut);
    await navigate(realmPaths[api.realm].login, { replace: true });
  };

  return (
    <Button variant="secondary" icon={<LogOutIcon size={16} />} {...props} onClick={() => void signOut()} isLoading={logout.isPending}>
      {t.common.signOut}
    </Button>
  );
}
