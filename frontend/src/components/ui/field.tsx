import { createContext, use, useId, type ReactNode } from 'react';

import { cn } from '@/lib/cn';
import { t } from '@/locales';

import styles from './field.module.css';

type FieldControlProps = {
  id: string;
  invalid: boolean;
  describedBy: string | undefined;
};

const FieldContext = createContext<FieldControlProps | null>(null);

/** Wiring for a control placed inside <Field>: id, aria-invalid and aria-describedby. */
export const useFieldControl = () => use(FieldContext);

type FieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  /** Error message (from React Hook Form: `errors.x?.message`). */
  error?: string | undefined;
  optional?: boolean;
  className?: string;
  children: ReactNode;
};

/**
 * Label + control + hint + error. The control (Input, Select) picks up its id
 * and ARIA wiring from context, so `<Field label="Email"><Input {...register('email')} /></Field>`
 * is fully labelled and announces its hint and error.
 */
export function Field({ label, hint, error, optional, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = cn(error ? errorId : null, hint ? hintId : null) || undefined;

  return (
    <div className={cn(styles.field, className)}>
      <label className={styles.label} htmlFor={id}>
        {label}
        {optional && <span className={styles.optional}>({t.common.optional})</span>}
      </label>
      <FieldContext value={{ id, invalid: Boolean(error), describedBy }}>{children}</FieldContext>
      {error && (
        <p id={errorId} className={styles.error}>
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className={styles.hint}>
          {hint}
        </p>
      )}
    </div>
  );
}
