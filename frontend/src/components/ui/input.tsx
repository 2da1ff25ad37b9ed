import type { ComponentProps, ReactNode } from 'react';

import { cn } from '@/lib/cn';

import { useFieldControl } from './field';
import styles from './input.module.css';

/** ARIA wiring from a surrounding <Field>, overridable by explicit props. */
function useControlProps(props: { id?: string | undefined; 'aria-describedby'?: string | undefined }) {
  const field = useFieldControl();
  return {
    id: props.id ?? field?.id,
    'aria-invalid': field?.invalid ? true : undefined,
    'aria-describedby': props['aria-describedby'] ?? field?.describedBy,
  };
}

export function Input({ className, ...props }: ComponentProps<'input'>) {
  const control = useControlProps(props);
  return <input {...props} {...control} className={cn(styles.control, className)} />;
}

export function Textarea({ className, rows = 3, ...props }: ComponentProps<'textarea'>) {
  const control = useControlProps(props);
  return <textarea rows={rows} {...props} {...control} className={cn(styles.control, styles.textarea, className)} />;
}

export function Select({ className, children, ...props }: ComponentProps<'select'>) {
  const control = useControlProps(props);
  return (
    <select {...props} {...control} className={cn(styles.control, styles.select, className)}>
      {children}
    </select>
  );
}

type CheckboxProps = Omit<ComponentProps<'input'>, 'type'> & { label: ReactNode };

export function Checkbox({ label, className, ...props }: CheckboxProps) {
  return (
    <label className={cn(styles.checkbox, className)}>
      <input type="checkbox" {...props} />
      <span>{label}</span>
    </label>
  );
}
