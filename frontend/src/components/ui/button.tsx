import type { ComponentProps, ReactNode } from 'react';

import { cn } from '@/lib/cn';

import styles from './button.module.css';
import { Spinner } from './spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';
export type ButtonSize = 'sm' | 'md' | 'lg';

type StyleOptions = { variant?: ButtonVariant; size?: ButtonSize; fullWidth?: boolean; className?: string };

/** Button look for other elements, e.g. a router `<Link>`. */
export function buttonClassName({ variant = 'primary', size = 'md', fullWidth, className }: StyleOptions = {}) {
  return cn(styles.button, styles[variant], size !== 'md' && styles[size], fullWidth && styles.fullWidth, className);
}

export type ButtonProps = ComponentProps<'button'> &
  StyleOptions & {
    isLoading?: boolean;
    icon?: ReactNode;
  };

export function Button({
  variant,
  size,
  fullWidth,
  className,
  isLoading = false,
  icon,
  disabled,
  type = 'button',
  children,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClassName({ variant, size, fullWidth, className })}
      disabled={disabled || isLoading}
      aria-busy={isLoading || undefined}
      {...props}
    >
      {isLoading ? <Spinner size="sm" decorative /> : icon}
      {children}
    </button>
  );
}
