import { useCallback, useEffect, useState } from 'react';

type Cooldown = { until: number; now: number };

/**
 * A countdown in whole seconds, ticking once per second (0 when over or not
 * started), and the function that starts it for a number of seconds.
 */
export function useCooldown(): [secondsLeft: number, start: (seconds: number) => void] {
  const [cooldown, setCooldown] = useState<Cooldown | null>(null);

  useEffect(() => {
    if (cooldown === null || cooldown.now >= cooldown.until) return;
    const timer = window.setTimeout(() => setCooldown((current) => current && { ...current, now: Date.now() }), 1000);
    return () => window.clearTimeout(timer);
  }, [cooldown]);

  const start = useCallback((seconds: number) => {
    const now = Date.now();
    setCooldown({ until: now + seconds * 1000, now });
  }, []);

  return [cooldown === null ? 0 : Math.max(0, Math.ceil((cooldown.until - cooldown.now) / 1000)), start];
}
