/**
 * Strings of the customer tracking page. A module of its own so the tracking
 * entry (no React, no ops code) does not load the console's strings; `en.ts`
 * includes it as `tracking`, so it is part of the same catalogue.
 */
export const trackingEn = {
  title: 'Track your delivery',
  appName: 'CargoFlow',
  loading: 'Loading your delivery…',
  notFoundTitle: 'This tracking link does not work',
  notFoundBody: 'It may have expired or been replaced. Ask the sender for a new link.',
  errorTitle: 'We could not load your delivery',
  errorBody: 'Check your connection. We will keep trying.',
  retry: 'Try again',
  throttled: (seconds: number) => `Too many requests; trying again in ${seconds} s.`,
  statuses: {
    CREATED: 'Order received',
    ASSIGNED: 'Preparing for pickup',
    PICKED_UP: 'Picked up',
    IN_TRANSIT: 'On its way',
    DELIVERED: 'Delivered',
    FAILED: 'Delivery attempt failed',
    CANCELLED: 'Cancelled',
  } as Record<string, string>,
  steps: ['Received', 'Scheduled', 'Picked up', 'On its way', 'Delivered'],
  stepsLabel: 'Delivery progress',
  stepDone: 'done',
  stepCurrent: 'current step',
  eta: (when: string) => `Estimated arrival: ${when}`,
  deliveredAt: (when: string) => `Delivered ${when}`,
  lastUpdate: (when: string) => `Last update ${when}`,
  failedBody: 'The driver could not complete the delivery. The sender will contact you to arrange another attempt.',
  cancelledBody: 'This delivery was cancelled by the sender.',
  stops: 'Stops',
  stopTypes: { PICKUP: 'Pickup', DROP: 'Delivery' } as Record<string, string>,
  stopStatuses: { PENDING: 'Pending', ARRIVED: 'Arrived', COMPLETED: 'Completed', FAILED: 'Failed' } as Record<string, string>,
  arrived: (when: string) => `Arrived ${when}`,
  completed: (when: string) => `Completed ${when}`,
  live: 'Live location',
  liveAt: (when: string) => `Driver’s position at ${when}`,
  showMap: 'Show the driver on a map',
  mapLabel: 'Map with the driver’s position',
  mapFailed: 'The map could not be loaded.',
  mapNoTiles: 'Map background unavailable; the driver’s position is still shown.',
  driver: 'Driver',
  pod: 'Proof of delivery',
  receivedBy: (name: string) => `Received by ${name}`,
  podPhoto: 'Photo taken at delivery',
  history: 'History',
  liveUpdates: 'Live updates on',
  pollingUpdates: 'Updates every 30 seconds',
};

export type TrackingMessages = typeof trackingEn;
