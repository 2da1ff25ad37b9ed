import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import { nameSchema, phoneSchema } from '@/lib/validation';
import type { Driver, UpdateDriverRequest } from '@/types/api';

import { driversQueryKey } from './list-drivers';

/** A driver's email (their app login) is set when the driver is created. */
export const updateDriverInputSchema = z.object({
  name: nameSchema,
  phone: phoneSchema,
});

export type UpdateDriverFormValues = z.input<typeof updateDriverInputSchema>;
export type UpdateDriverInput = z.output<typeof updateDriverInputSchema>;

/** Only the fields that differ from `driver` (PATCH semantics; the API refuses an empty update). */
export function driverChanges(driver: Driver, input: UpdateDriverInput): UpdateDriverRequest {
  return {
    ...(input.name !== driver.name && { name: input.name }),
    ...(input.phone !== driver.phone && { phone: input.phone }),
  };
}

type UpdateDriverVariables = {
  driverId: string;
  data: UpdateDriverRequest;
};

/** 409 when the driver changed concurrently; the list is then refetched. */
export const updateDriver = (api: ApiClient, { driverId, data }: UpdateDriverVariables): Promise<Driver> =>
  api.patch<Driver>(`/api/ops/drivers/${encodeURIComponent(driverId)}`, data);

export const useUpdateDriver = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: UpdateDriverVariables) => updateDriver(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: driversQueryKey(api) }),
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: driversQueryKey(api) });
    },
  });
};
