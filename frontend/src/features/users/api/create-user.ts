import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { OPS_ROLES } from '@/lib/authorization';
import { emailSchema, nameSchema, passwordSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { CreateUserRequest, User } from '@/types/api';

import { usersQueryKey } from './list-users';

/** Ops console users only; driver logins are created from the Drivers page. */
export const createUserInputSchema = z.object({
  full_name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
  role: z.enum(OPS_ROLES, { error: t.validation.role }),
});

export type CreateUserInput = z.output<typeof createUserInputSchema>;

export const createUser = (api: ApiClient, input: CreateUserRequest): Promise<User> =>
  api.post<User>('/api/ops/users', input);

export const useCreateUser = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateUserInput) => createUser(api, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQueryKey(api) }),
  });
};
