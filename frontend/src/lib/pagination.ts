import type { InfiniteData } from '@tanstack/react-query';

import type { Page } from '@/types/api';

export const PAGE_SIZE = 50;

/** Cursor to request the page after `page`; undefined ends the list. */
export const nextCursor = <T>(page: Page<T>): string | undefined => page.next_cursor ?? undefined;

export const flattenPages = <T>(data: InfiniteData<Page<T>> | undefined): T[] | undefined =>
  data?.pages.flatMap((page) => page.items);
