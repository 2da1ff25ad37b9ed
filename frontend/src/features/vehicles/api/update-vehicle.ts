import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import type { UpdateVehicleRequest, Vehicle } from '@/types/api';

import type { VehicleInput } from './create-vehicle';
import { vehiclesQueryKey } from './list-vehicles';

/** Only the fields that differ from `vehicle` (PATCH semantics). */
export function vehicleChanges(vehicle: Vehicle, input: VehicleInput): UpdateVehicleRequest {
  return {
    ...(input.plate_number !== vehicle.plate_number && { plate_number: input.plate_number }),
    ...(input.type !== vehicle.type && { type: input.type }),
    ...(input.capacity_kg !== vehicle.capacity_kg && { capacity_kg: input.capacity_kg }),
  };
}

type UpdateVehicleVariables = {
  vehicleId: string;
  data: UpdateVehicleRequest;
};

/** 409 when the plate is taken or the vehicle changed concurrently; the list is then refetched. */
export const updateVehicle = (api: ApiClient, { vehicleId, data }: UpdateVehicleVariables): Promise<Vehicle> =>
  api.patch<Vehicle>(`/api/ops/vehicles/${encodeURIComponent(vehicleId)}`, data);

export const useUpdateVehicle = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: UpdateVehicleVariables) => updateVehicle(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vehiclesQueryKey(api) }),
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: vehiclesQueryKey(api) });
    },
  });
};
