import type { ComponentProps, ReactNode } from 'react';

import { cn } from '@/lib/cn';

import styles from './card.module.css';

type CardProps = Omit<ComponentProps<'section'>, 'title'> & {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Heading level of the title (default h2). */
  headingLevel?: 'h2' | 'h3';
  /** Remove body padding, e.g. for a table that runs edge to edge. */
  flush?: boolean;
};

export function Card({
  title,
  description,
  actions,
  headingLevel: Heading = 'h2',
  flush = false,
  className,
  children,
  ...props
}: CardProps) {
  return (
    <section className={cn(styles.card, className)} {...props}>
      {(title || actions) && (
        <header className={styles.header}>
          <div>
            {title && <Heading className={styles.title}>{title}</Heading>}
            {description && <p className={styles.description}>{description}</p>}
          </div>
          {actions}
        </header>
      )}
      <div className={cn(styles.body, flush && styles.flush)}>{children}</div>
    </section>
  );
}
