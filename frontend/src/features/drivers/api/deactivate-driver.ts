import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';

import { driversQueryKey } from './list-drivers';

export const deactivateDriver = async (api: ApiClient, driverId: string): Promise<void> => {
  await api.post<unknown>(`/api/ops/drivers/${encodeURIComponent(driverId)}/deactivate`);
};

export const useDeactivateDriver = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (driverId: string) => deactivateDriver(api, driverId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: driversQueryKey(api) }),
  });
};
