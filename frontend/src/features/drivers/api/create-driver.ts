import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nameSchema, optionalEmailSchema, passwordSchema, phoneSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { CreateDriverRequest, Driver } from '@/types/api';

import { driversQueryKey } from './list-drivers';

/**
 * A driver may optionally get a login for the driver app; then an email and a
 * valid password are required. Output is the request body.
 */
export const createDriverInputSchema = z
  .object({
    name: nameSchema,
    phone: phoneSchema,
    email: optionalEmailSchema,
    enable_login: z.boolean(),
    password: z.string(),
  })
  .superRefine((value, ctx) => {
    if (!value.enable_login) return;
    if (!value.email) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: t.validation.emailRequiredForLogin });
    }
    const password = passwordSchema.safeParse(value.password);
    if (!password.success) {
      const message = value.password ? password.error.issues[0]?.message : t.validation.passwordRequiredForLogin;
      ctx.addIssue({ code: 'custom', path: ['password'], message: message ?? t.validation.required });
    }
  })
  .transform(({ enable_login, password, ...driver }): CreateDriverRequest => ({
    ...driver,
    ...(enable_login && { password }),
  }));

export type CreateDriverFormValues = z.input<typeof createDriverInputSchema>;
export type CreateDriverInput = z.output<typeof createDriverInputSchema>;

export const createDriver = (api: ApiClient, input: CreateDriverRequest): Promise<Driver> =>
  api.post<Driver>('/api/ops/drivers', input);

export const useCreateDriver = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateDriverInput) => createDriver(api, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: driversQueryKey(api) }),
  });
};
