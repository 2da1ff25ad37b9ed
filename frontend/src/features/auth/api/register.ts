import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { emailSchema, nameSchema, passwordSchema, tenantSlugSchema } from '@/lib/validation';
import type { RegisterRequest, RegistrationAccepted } from '@/types/api';

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
