// The routes. The patient pages are in the main bundle; the doctor and admin areas load on demand.
import { lazy, Suspense } from "react";
import { createBrowserRouter, RouterProvider } from "react-router-dom";

import { AppLayout } from "./components/Layout/AppLayout";
import { RequireRole } from "./components/Layout/RequireRole";
import { Loading } from "./components/ui";
import { SessionProvider } from "./hooks/useSession";
import NotFound from "./routes/NotFound";
import { patientRoutes } from "./routes/patient";

const DoctorArea = lazy(() => import("./routes/doctor"));
const AdminArea = lazy(() => import("./routes/admin"));

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      ...patientRoutes,
      {
        path: "doctor/*",
        element: (
          <RequireRole roles={["doctor"]}>
            <Suspense fallback={<Loading />}>
              <DoctorArea />
            </Suspense>
          </RequireRole>
        ),
      },
      {
        path: "admin/*",
        element: (
          <RequireRole roles={["admin"]}>
            <Suspense fallback={<Loading />}>
              <AdminArea />
            </Suspense>
          </RequireRole>
        ),
      },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

export default function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
