import { createContext, use, type ReactNode } from 'react';

import type { ApiClient } from './api-client';

const ApiClientContext = createContext<ApiClient | null>(null);

/** Makes one realm's API client (ops or driver) available to the subtree. */
export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiClientContext value={client}>{children}</ApiClientContext>;
}

export function useApiClient(): ApiClient {
  const client = use(ApiClientContext);
  if (!client) throw new Error('useApiClient must be used inside <ApiClientProvider>');
  return client;
}
