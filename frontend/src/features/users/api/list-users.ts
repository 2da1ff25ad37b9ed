import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Page, PageParams, User } from '@/types/api';

export const usersQueryKey = (api: ApiClient) => [api.realm, 'users'] as const;

export const listUsers = (api: ApiClient, params: PageParams = {}, signal?: AbortSignal): Promise<Page<User>> =>
  api.get<Page<User>>('/api/ops/users', {
    query: { cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listUsersQueryOptions = (api: ApiClient) =>
  infiniteQueryOptions({
    queryKey: [...usersQueryKey(api), 'list'] as const,
    queryFn: ({ pageParam, signal }) => listUsers(api, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useUsers = () => {
  const api = useApiClient();
  return useInfiniteQuery(listUsersQueryOptions(api));
};
