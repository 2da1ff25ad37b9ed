import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';

import { usersQueryKey } from './list-users';

export const deactivateUser = async (api: ApiClient, userId: string): Promise<void> => {
  await api.post<unknown>(`/api/ops/users/${encodeURIComponent(userId)}/deactivate`);
};

export const useDeactivateUser = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => deactivateUser(api, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQueryKey(api) }),
  });
};
