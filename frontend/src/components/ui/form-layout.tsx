import type { ComponentProps, ReactNode } from 'react';

import { cn } from '@/lib/cn';

import styles from './form-layout.module.css';

/** A <form> that lays its fields out vertically; validation is left to JS (noValidate). */
export function FormStack({ className, children, ...props }: ComponentProps<'form'>) {
  return (
    <form noValidate className={cn(styles.stack, className)} {...props}>
      {children}
    </form>
  );
}

/** Fields side by side, wrapping on narrow screens. */
export function FormRow({ children }: { children: ReactNode }) {
  return <div className={styles.row}>{children}</div>;
}
