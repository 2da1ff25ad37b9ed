import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient, SessionResponse } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { emailSchema, nameSchema, passwordSchema, tenantSlugSchema } from '@/lib/validation';
import type { ConfirmRegistrationRequest, RegisterRequest, RegistrationAccepted } from '@/types/api';

import { startSession } from '../utils';

export const registerInputSchema = z.object({
  tenant_name: nameSchema,
  tenant_slug: tenantSlugSchema,
  full_name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export type RegisterInput = z.infer<typeof registerInputSchema>;

/**
 * Step 1 of 2: asks for a new company account. Nothing is created yet: the
 * API answers 202 whatever the email (it does not tell whether an account
 * exists) and emails a link to `/register/confirm#token=…` that completes it.
 */
export const register = (api: ApiClient, input: RegisterRequest): Promise<RegistrationAccepted> =>
  api.post<RegistrationAccepted>('/api/auth/register', input, { auth: false });

export const useRegister = () => {
  const api = useApiClient();
  return useMutation({ mutationFn: (input: RegisterInput) => register(api, input) });
};

/**
 * Step 2 of 2: the emailed token creates the tenant and its first admin, and
 * signs that admin in (201, like login: access token in the body, refresh
 * cookie set). 400 (field `token`) when invalid or expired, 409 when the
 * workspace ID or email was taken meanwhile.
 */
export const confirmRegistration = (api: ApiClient, token: string): Promise<SessionResponse> =>
  api.post<SessionResponse>('/api/auth/register/confirm', { token } satisfies ConfirmRegistrationRequest, { auth: false });

export const useConfirmRegistration = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => {
      const response = await confirmRegistration(api, token);
      startSession(api, queryClient, response);
      return response;
    },
    // The page shows what went wrong itself.
    meta: { suppressErrorToast: true },
  });
};
