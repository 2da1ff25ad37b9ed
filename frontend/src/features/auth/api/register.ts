import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { emailSchema, nameSchema, passwordSchema, tenantSlugSchema } from '@/lib/validation';
import type { RegisterRequest, TokenResponse } from '@/types/api';

import { startSession } from '../utils';

export const registerInputSchema = z.object({
  tenant_name: nameSchema,
  tenant_slug: tenantSlugSchema,
  full_name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export type RegisterInput = z.infer<typeof registerInputSchema>;

export const register = (api: ApiClient, input: RegisterRequest): Promise<TokenResponse> =>
  api.post<TokenResponse>('/api/auth/register', input, { auth: false });

/** Creates a tenant with its first admin and signs that admin in to the ops console. */
export const useRegister = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: RegisterInput) => {
      const response = await register(api, input);
      startSession(api, queryClient, response);
      return response;
    },
  });
};
