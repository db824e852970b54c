// The patient's pages (and the public ones: sign in, register, passwords). In the main bundle.
import type { RouteObject } from "react-router-dom";

import { AccountPage } from "../../components/Account/AccountPage";
import { ProfilePage } from "../../components/Account/ProfilePage";
import { MyAppointments } from "../../components/Appointments/MyAppointments";
import { Booked } from "../../components/Booking/Booked";
import { ConfirmBooking } from "../../components/Booking/ConfirmBooking";
import { RequireRole } from "../../components/Layout/RequireRole";
import { FindSlots } from "../../components/Search/FindSlots";
import { Home } from "../../components/Search/Home";
import { ForgotPasswordPage } from "../../components/SignIn/ForgotPasswordPage";
import { RegisterPage } from "../../components/SignIn/RegisterPage";
import { ResetPasswordPage } from "../../components/SignIn/ResetPasswordPage";
import { SignInPage } from "../../components/SignIn/SignInPage";
import { VerifyEmailPage } from "../../components/SignIn/VerifyEmailPage";

export const patientRoutes: RouteObject[] = [
  { index: true, element: <Home /> },
  { path: "find", element: <FindSlots /> },
  { path: "book", element: <ConfirmBooking /> },
  {
    path: "booked/:id",
    element: (
      <RequireRole roles={["patient"]}>
        <Booked />
      </RequireRole>
    ),
  },
  {
    path: "appointments",
    element: (
      <RequireRole roles={["patient"]}>
        <MyAppointments />
      </RequireRole>
    ),
  },
  {
    path: "profile",
    element: (
      <RequireRole roles={["patient"]}>
        <ProfilePage />
      </RequireRole>
    ),
  },
  {
    path: "account",
    element: (
      <RequireRole roles={["patient", "doctor", "admin"]}>
        <AccountPage />
      </RequireRole>
    ),
  },
  { path: "login", element: <SignInPage /> },
  { path: "register", element: <RegisterPage /> },
  { path: "forgot-password", element: <ForgotPasswordPage /> },
  { path: "reset-password", element: <ResetPasswordPage mode="reset" /> },
  { path: "set-password", element: <ResetPasswordPage mode="set" /> },
  { path: "verify-email", element: <VerifyEmailPage /> },
];
