import { useSyncExternalStore } from 'react';

import { connectivity as sharedConnectivity, type Connectivity } from './connectivity';

/** True while the browser says online and the API is reachable (see lib/connectivity.ts). */
export function useOnline(connectivity: Connectivity = sharedConnectivity): boolean {
  return useSyncExternalStore(connectivity.subscribe, connectivity.isOnline, () => true);
}
