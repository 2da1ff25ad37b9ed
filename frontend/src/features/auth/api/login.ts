import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { ApiError, type ApiClient, type SessionResponse } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isRoleAllowedInRealm } from '@/lib/authorization';
import { emailSchema, loginPasswordSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { LoginRequest } from '@/types/api';

import { startSession } from '../utils';

import { logout } from './logout';

export const loginInputSchema = z.object({
  email: emailSchema,
  password: loginPasswordSchema,
});

export type LoginInput = z.infer<typeof loginInputSchema>;

/** Answers the access token; the refresh token comes as an httpOnly cookie. */
export const login = (api: ApiClient, input: LoginRequest): Promise<SessionResponse> =>
  api.post<SessionResponse>('/api/auth/login', input, { auth: false });

/**
 * Signs in to the current realm. An account of the other app (a driver on the
 * ops login or vice versa) is refused with code `wrong_app` and the session
 * just opened for it is ended at once.
 */
export const useLogin = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput) => {
      const response = await login(api, input);
      if (!isRoleAllowedInRealm(api.realm, response.user.role)) {
        void logout(api, response.access_token).catch(() => undefined);
        throw new ApiError({
          status: 403,
          code: 'wrong_app',
          message: api.realm === 'ops' ? t.errors.wrongAppForOps : t.errors.wrongAppForDriver,
        });
      }
      startSession(api, queryClient, response);
      return response;
    },
  });
};
