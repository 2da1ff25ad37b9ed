import { t } from '@/locales';

import styles from './spinner.module.css';

type SpinnerProps = {
  size?: 'sm' | 'md' | 'lg';
  /** Hide from assistive tech when the surrounding element already says it is busy. */
  decorative?: boolean;
  label?: string;
};

export function Spinner({ size = 'md', decorative = false, label = t.common.loading }: SpinnerProps) {
  const className = `${styles.spinner} ${styles[size] ?? ''}`;
  return decorative ? (
    <span className={className} aria-hidden="true" />
  ) : (
    <span className={className} role="status" aria-label={label} />
  );
}

export function FullPageSpinner() {
  return (
    <div className={styles.fullPage}>
      <Spinner size="lg" />
    </div>
  );
}
