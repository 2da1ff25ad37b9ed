import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';

import { vehiclesQueryKey } from './list-vehicles';

export const deactivateVehicle = async (api: ApiClient, vehicleId: string): Promise<void> => {
  await api.post<unknown>(`/api/ops/vehicles/${encodeURIComponent(vehicleId)}/deactivate`);
};

export const useDeactivateVehicle = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vehicleId: string) => deactivateVehicle(api, vehicleId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vehiclesQueryKey(api) }),
  });
};
