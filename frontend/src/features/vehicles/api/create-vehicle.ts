import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { capacityKgSchema, plateNumberSchema } from '@/lib/validation';
import { t } from '@/locales';
import { VEHICLE_TYPES, type CreateVehicleRequest, type Vehicle } from '@/types/api';

import { vehiclesQueryKey } from './list-vehicles';

/** Used by both the create and the edit form. */
export const vehicleInputSchema = z.object({
  plate_number: plateNumberSchema,
  type: z.enum(VEHICLE_TYPES, { error: t.validation.vehicleType }),
  capacity_kg: capacityKgSchema,
});

export type VehicleFormValues = z.input<typeof vehicleInputSchema>;
export type VehicleInput = z.output<typeof vehicleInputSchema>;

export const createVehicle = (api: ApiClient, input: CreateVehicleRequest): Promise<Vehicle> =>
  api.post<Vehicle>('/api/ops/vehicles', input);

export const useCreateVehicle = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: VehicleInput) => createVehicle(api, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vehiclesQueryKey(api) }),
  });
};
