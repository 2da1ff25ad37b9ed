import type { ReactNode } from 'react';

import { isApiError } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { t } from '@/locales';

import { Button } from './button';
import { AlertCircleIcon } from './icons';
import styles from './state.module.css';

type ErrorStateProps = {
  title?: string;
  /** The failure; an ApiError shows the server's message and request id. */
  error?: unknown;
  onRetry?: () => void;
  isRetrying?: boolean;
  action?: ReactNode;
  headingLevel?: 'h2' | 'h3';
};

export function ErrorState({
  title = t.errors.loadFailedTitle,
  error,
  onRetry,
  isRetrying = false,
  action,
  headingLevel: Heading = 'h2',
}: ErrorStateProps) {
  const message = isApiError(error) ? error.message : t.errors.unexpected;
  const requestId = isApiError(error) ? error.requestId : null;

  return (
    <div className={cn(styles.state, styles.error)} role="alert">
      <div className={styles.icon}>
        <AlertCircleIcon size={22} />
      </div>
      <Heading className={styles.title}>{title}</Heading>
      <p className={styles.description}>{message}</p>
      {requestId && <p className={styles.meta}>{t.errors.reference(requestId)}</p>}
      {(onRetry || action) && (
        <div className={styles.actions}>
          {onRetry && (
            <Button variant="secondary" onClick={onRetry} isLoading={isRetrying}>
              {t.common.retry}
            </Button>
          )}
          {action}
        </div>
      )}
    </div>
  );
}
