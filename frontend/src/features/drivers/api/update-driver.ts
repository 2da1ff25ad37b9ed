import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { ifMatch, isConflict } from '@/lib/concurrency';
import { nameSchema, optionalEmailSchema, phoneSchema } from '@/lib/validation';
import type { Driver, UpdateDriverRequest } from '@/types/api';

import { driversQueryKey } from './get-drivers';

export const updateDriverInputSchema = z.object({
  name: nameSchema,
  phone: phoneSchema,
  email: optionalEmailSchema,
});

export type UpdateDriverFormValues = z.input<typeof updateDriverInputSchema>;
export type UpdateDriverInput = z.output<typeof updateDriverInputSchema>;

/** Only the fields that differ from `driver` (PATCH semantics); an emptied email becomes null. */
export function driverChanges(driver: Driver, input: UpdateDriverInput): UpdateDriverRequest {
  const email = input.email ?? null;
  return {
    ...(input.name !== driver.name && { name: input.name }),
    ...(input.phone !== driver.phone && { phone: input.phone }),
    ...(email !== driver.email && { email }),
  };
}

type UpdateDriverVariables = {
  driverId: string;
  /** `version` of the record the edit started from. */
  version: number;
  data: UpdateDriverRequest;
};

export const updateDriver = (api: ApiClient, { driverId, version, data }: UpdateDriverVariables): Promise<Driver> =>
  api.patch<Driver>(`/api/ops/drivers/${encodeURIComponent(driverId)}`, data, { headers: ifMatch(version) });

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
