/** Every client-side route in one place, so links never drift from the router. */
export const paths = {
  home: '/',
  ops: {
    login: '/login',
    register: '/register',
    /** The emailed link: `/register/confirm#token=…` (the token stays out of server logs). */
    registerConfirm: '/register/confirm',
    root: '/ops',
    dashboard: '/ops/dashboard',
    orders: '/ops/orders',
    newOrder: '/ops/orders/new',
    /** Route pattern of the order detail page; link with `order(id)`. */
    orderPattern: '/ops/orders/:orderId',
    order: (orderId: string) => `/ops/orders/${encodeURIComponent(orderId)}`,
    routes: '/ops/routes',
    routePattern: '/ops/routes/:routeId',
    route: (routeId: string) => `/ops/routes/${encodeURIComponent(routeId)}`,
    exceptions: '/ops/exceptions',
    admin: {
      users: '/ops/admin/users',
      drivers: '/ops/admin/drivers',
      vehicles: '/ops/admin/vehicles',
      webhooks: '/ops/admin/webhooks',
      events: '/ops/admin/events',
    },
  },
  /** The public tracking page a customer opens (served by the tracking app). */
  tracking: (token: string) => `/track/${encodeURIComponent(token)}`,
  driver: {
    root: '/driver',
    login: '/driver/login',
    today: '/driver/today',
    routePattern: '/driver/routes/:routeId',
    route: (routeId: string) => `/driver/routes/${encodeURIComponent(routeId)}`,
    orderPattern: '/driver/orders/:orderId',
    order: (orderId: string, routeId?: string | null) =>
      `/driver/orders/${encodeURIComponent(orderId)}${routeId ? `?route=${encodeURIComponent(routeId)}` : ''}`,
    scan: '/driver/scan',
  },
} as const;

/** Entry points of each front-end app (keys match the API client realms). */
export const realmPaths = {
  ops: { root: paths.ops.root, login: paths.ops.login, home: paths.ops.dashboard },
  driver: { root: paths.driver.root, login: paths.driver.login, home: paths.driver.today },
} as const;
