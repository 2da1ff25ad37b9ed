import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';

import { FullPageSpinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';

import { RealmRoot } from './realm-root';
import { RouteError } from './route-error';

/** Code-splits a route module whose default export is the page component. */
const page = (load: () => Promise<{ default: ComponentType }>): RouteObject['lazy'] => async () => ({
  Component: (await load()).default,
});

const notFound = page(() => import('./routes/not-found'));

export const routes: RouteObject[] = [
  {
    // Ops console: sign-in, sign-up and everything under /ops.
    element: <RealmRoot realm="ops" />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <FullPageSpinner />,
    children: [
      { path: paths.home, element: <Navigate to={paths.ops.dashboard} replace /> },
      { path: paths.ops.login, lazy: page(() => import('./routes/ops/login')) },
      { path: paths.ops.register, lazy: page(() => import('./routes/ops/register')) },
      { path: paths.ops.registerConfirm, lazy: page(() => import('./routes/ops/register-confirm')) },
      {
        path: paths.ops.root,
        lazy: page(() => import('./layouts/ops-layout')),
        children: [
          { index: true, element: <Navigate to={paths.ops.dashboard} replace /> },
          { path: paths.ops.dashboard, lazy: page(() => import('./routes/ops/dashboard')) },
          { path: paths.ops.orders, lazy: page(() => import('./routes/ops/orders/orders')) },
          { path: paths.ops.newOrder, lazy: page(() => import('./routes/ops/orders/new-order')) },
          { path: paths.ops.orderPattern, lazy: page(() => import('./routes/ops/orders/order')) },
          { path: paths.ops.routes, lazy: page(() => import('./routes/ops/routes/routes')) },
          { path: paths.ops.routePattern, lazy: page(() => import('./routes/ops/routes/route')) },
          { path: paths.ops.exceptions, lazy: page(() => import('./routes/ops/exceptions')) },
          { path: paths.ops.admin.users, lazy: page(() => import('./routes/ops/admin/users')) },
          { path: paths.ops.admin.drivers, lazy: page(() => import('./routes/ops/admin/drivers')) },
          { path: paths.ops.admin.vehicles, lazy: page(() => import('./routes/ops/admin/vehicles')) },
          { path: paths.ops.admin.webhooks, lazy: page(() => import('./routes/ops/admin/webhooks')) },
          { path: paths.ops.admin.events, lazy: page(() => import('./routes/ops/admin/events')) },
          { path: '*', lazy: notFound },
        ],
      },
    ],
  },
  {
    // Driver app (mobile-first), with its own session.
    path: paths.driver.root,
    element: <RealmRoot realm="driver" />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <FullPageSpinner />,
    children: [
      { index: true, element: <Navigate to={paths.driver.today} replace /> },
      { path: paths.driver.login, lazy: page(() => import('./routes/driver/login')) },
      {
        lazy: page(() => import('./layouts/driver-layout')),
        children: [
          { path: paths.driver.today, lazy: page(() => import('./routes/driver/today')) },
          { path: paths.driver.routePattern, lazy: page(() => import('./routes/driver/route')) },
          { path: paths.driver.orderPattern, lazy: page(() => import('./routes/driver/order')) },
          { path: paths.driver.scan, lazy: page(() => import('./routes/driver/scan')) },
          { path: '*', lazy: notFound },
        ],
      },
    ],
  },
  { path: '*', lazy: notFound, hydrateFallbackElement: <FullPageSpinner /> },
];

const router = createBrowserRouter(routes);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
