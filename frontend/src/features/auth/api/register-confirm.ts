import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient, SessionResponse } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { ConfirmRegistrationRequest } from '@/types/api';

import { startSession } from '../utils';

/**
 * Step 2 of 2: the emailed token creates the tenant and its first admin, and
 * signs that admin in (201, like login: access token in the body, refresh
 * cookie set). 400 (field `token`) when invalid or expired, 409 when the
 * workspace ID or email was taken meanwhile.
 */
export const registerConfirm = (api: ApiClient, token: string): Promise<SessionResponse> =>
  api.post<SessionResponse>('/api/auth/register/confirm', { token } satisfies ConfirmRegistrationRequest, { auth: false });

export const useRegisterConfirm = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => {
      const response = await registerConfirm(api, token);
      startSession(api, queryClient, response);
      return response;
    },
    // The page shows what went wrong itself.
    meta: { suppressErrorToast: true },
  });
};
