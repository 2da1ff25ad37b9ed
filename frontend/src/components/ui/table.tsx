import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

import { Skeleton, SkeletonGroup } from './skeleton';
import styles from './table.module.css';

export type Column<T> = {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'start' | 'end';
  /** Render this column's cells as row headers (<th scope="row">). */
  rowHeader?: boolean;
  /** Secondary information in muted text. */
  muted?: boolean;
  /** Visually hide the header text (e.g. an actions column). */
  hideHeader?: boolean;
};

type TableProps<T> = {
  /** Accessible name of the table (visually hidden). */
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  getRowId: (row: T) => string;
  footer?: ReactNode;
};

export function Table<T>({ caption, columns, rows, getRowId, footer }: TableProps<T>) {
  return (
    <>
      <div className={styles.wrapper}>
        <table className={styles.table}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.id} scope="col" className={cn(column.align === 'end' && styles.end)}>
                  {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={getRowId(row)}>
                {columns.map((column) => {
                  const className = cn(column.align === 'end' && styles.end, column.muted && styles.muted) || undefined;
                  return column.rowHeader ? (
                    <th key={column.id} scope="row" className={className}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={column.id} className={className}>
                      {column.cell(row)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {footer && <div className={styles.footer}>{footer}</div>}
    </>
  );
}

export function TableSkeleton({ columns = 4, rows = 5 }: { columns?: number; rows?: number }) {
  return (
    <div style={{ padding: 'var(--space-4)' }}>
      <SkeletonGroup>
        {Array.from({ length: rows }, (_, row) => (
          <div key={row} style={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, 1fr)`, gap: 'var(--space-4)' }}>
            {Array.from({ length: columns }, (_, column) => (
              <Skeleton key={column} height="1.25rem" width={column === 0 ? '80%' : '60%'} />
            ))}
          </div>
        ))}
      </SkeletonGroup>
    </div>
  );
}
