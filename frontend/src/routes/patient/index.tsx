// The patient's pages (and the public ones: sign in, register, passwords). In the main bundle.
import type { RouteObject } from "react-router-dom";

import { Page } from "../../components/ui";

function Home() {
  return <Page title="What do you need?">Coming next.</Page>;
}

export const patientRoutes: RouteObject[] = [{ index: true, element: <Home /> }];
