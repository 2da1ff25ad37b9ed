import { createContext, use, type ReactNode } from 'react';

import type { MeResponse } from '@/types/api';

const SessionContext = createContext<MeResponse | null>(null);

export function SessionProvider({ value, children }: { value: MeResponse; children: ReactNode }) {
  return <SessionContext value={value}>{children}</SessionContext>;
}

/** The signed-in user and tenant; only available below <RequireSession>. */
export function useSession(): MeResponse {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession must be used below <RequireSession>');
  return session;
}
