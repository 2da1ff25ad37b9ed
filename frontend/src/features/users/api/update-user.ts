import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { OPS_ROLES } from '@/lib/authorization';
import { nameSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { UpdateUserRequest, User } from '@/types/api';

import { usersQueryKey } from './list-users';

/** `role` is absent when the form locks it: your own account, or a driver's login. */
export const updateUserInputSchema = z.object({
  full_name: nameSchema,
  role: z.enum(OPS_ROLES, { error: t.validation.role }).optional(),
});

export type UpdateUserFormValues = z.input<typeof updateUserInputSchema>;
export type UpdateUserInput = z.output<typeof updateUserInputSchema>;

/** Only the fields that differ from `user` (PATCH semantics). */
export function userChanges(user: User, input: UpdateUserInput): UpdateUserRequest {
  return {
    ...(input.full_name !== user.full_name && { full_name: input.full_name }),
    ...(input.role !== undefined && input.role !== user.role && { role: input.role }),
  };
}

type UpdateUserVariables = { userId: string; data: UpdateUserRequest };

export const updateUser = (api: ApiClient, { userId, data }: UpdateUserVariables): Promise<User> =>
  api.patch<User>(`/api/ops/users/${encodeURIComponent(userId)}`, data);

export const useUpdateUser = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: UpdateUserVariables) => updateUser(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQueryKey(api) }),
  });
};
