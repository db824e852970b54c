import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";

import { useSession } from "../../hooks/useSession";
import { MfaReminderBanner } from "../Account/TwoFactor";

const LINKS = {
  patient: [
    { to: "/", label: "Book" },
    { to: "/appointments", label: "My appointments" },
    { to: "/profile", label: "My profile" },
  ],
  doctor: [
    { to: "/doctor", label: "Agenda" },
    { to: "/doctor/schedule", label: "Schedule" },
    { to: "/doctor/time-off", label: "Time off" },
    { to: "/doctor/profile", label: "Profile" },
  ],
  admin: [
    { to: "/admin", label: "System" },
    { to: "/admin/doctors", label: "Doctors" },
    { to: "/admin/accounts", label: "Accounts" },
  ],
} as const;

function navClass({ isActive }: { isActive: boolean }): string {
  return `rounded-md px-3 py-2 text-sm font-semibold ${isActive ? "bg-brand-50 text-brand-900" : "text-slate-700 hover:bg-slate-100"}`;
}

export function AppLayout() {
  const { me, role, signOut } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // A visitor sees where to start; "My appointments" and "My profile" appear once there is someone to show.
  const links = me ? LINKS[role ?? "patient"] : LINKS.patient.slice(0, 1);

  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <NavLink to={role === "doctor" ? "/doctor" : role === "admin" ? "/admin" : "/"} className="flex items-center gap-2 text-lg font-bold text-brand-800">
            <img src="/favicon.svg" alt="" className="h-7 w-7" />
            City Hospital
          </NavLink>
          <nav aria-label="Main" className="order-3 flex w-full flex-wrap gap-1 sm:order-none sm:w-auto">
            {links.map((link) => (
                // Only an area's home link must match exactly; the others stay lit on their sub-pages.
                <NavLink key={link.to} to={link.to} end={link.to === "/" || link.to === "/doctor" || link.to === "/admin"} className={navClass}>
                  {link.label}
                </NavLink>
              ))}
          </nav>
          <div className="flex items-center gap-2">
            {me ? (
              <>
                <NavLink to="/account" className={navClass}>
                  <span className="sr-only">Account of </span>
                  {me.full_name}
                </NavLink>
                <button
                  type="button"
                  className="rounded-md px-3 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100"
                  onClick={() => void signOut().then(() => navigate("/"))}
                >
                  Sign out
                </button>
              </>
            ) : (
              <>
                <NavLink to="/login" className={navClass}>
                  Sign in
                </NavLink>
                <NavLink to="/register" className="rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-800">
                  Create account
                </NavLink>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="flex-1" tabIndex={-1}>
        {/* An admin without two-step sign-in is reminded on every page (the account page shows it itself). */}
        {pathname !== "/account" && (
          <div className="mx-auto max-w-5xl px-4 pt-4 empty:hidden">
            <MfaReminderBanner />
          </div>
        )}
        <Outlet />
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap justify-between gap-2 px-4 py-4 text-sm text-slate-700">
          <p>In an emergency call 112. This site books routine appointments.</p>
          <a href="/api/docs/" className="font-semibold text-brand-800 underline">
            API documentation
          </a>
        </div>
      </footer>
    </div>
  );
}
