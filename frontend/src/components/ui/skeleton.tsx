import type { CSSProperties, ReactNode } from 'react';

import { t } from '@/locales';

import styles from './skeleton.module.css';

type SkeletonProps = {
  width?: CSSProperties['width'];
  height?: CSSProperties['height'];
  radius?: CSSProperties['borderRadius'];
};

/** A placeholder block; wrap groups in <SkeletonGroup> so it is announced once. */
export function Skeleton({ width = '100%', height = '1rem', radius }: SkeletonProps) {
  return <span className={styles.skeleton} style={{ width, height, borderRadius: radius }} aria-hidden="true" />;
}

export function SkeletonGroup({ children, label = t.common.loading }: { children: ReactNode; label?: string }) {
  return (
    <div className={styles.stack} role="status" aria-label={label} aria-busy="true">
      {children}
    </div>
  );
}

export function SkeletonLines({ lines = 3 }: { lines?: number }) {
  return (
    <SkeletonGroup>
      {Array.from({ length: lines }, (_, index) => (
        <Skeleton key={index} width={index === lines - 1 ? '60%' : '100%'} />
      ))}
    </SkeletonGroup>
  );
}
