/** Every client-side route in one place, so links never drift from the router. */
export const paths = {
  home: '/',
  ops: {
    login: '/login',
    register: '/register',
    root: '/ops',
    dashboard: '/ops/dashboard',
    orders: '/ops/orders',
    routes: '/ops/routes',
    exceptions: '/ops/exceptions',
    admin: {
      users: '/ops/admin/users',
      drivers: '/ops/admin/drivers',
      vehicles: '/ops/admin/vehicles',
      webhooks: '/ops/admin/webhooks',
      events: '/ops/admin/events',
    },
  },
  driver: {
    root: '/driver',
    login: '/driver/login',
    today: '/driver/today',
  },
} as const;
