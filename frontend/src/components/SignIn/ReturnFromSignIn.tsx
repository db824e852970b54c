// Auth-MS's Google callback brings the browser back to the home page: either signed in (then go on to where
// the sign-in started, e.g. the held booking) or with ?auth_error= (then show it on the sign-in page).
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";

import { useSession } from "../../hooks/useSession";
import { takeAfterSignIn } from "../Booking/pendingHold";
import { destination } from "./destinations";

export function ReturnFromSignIn() {
  const { me, role, checking } = useSession();
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => {
    const error = new URLSearchParams(location.search).get("auth_error");
    if (error) {
      const next = takeAfterSignIn();
      const query = new URLSearchParams({ auth_error: error });
      if (next) query.set("next", next);
      navigate(`/login?${query.toString()}`, { replace: true });
      return;
    }
    if (checking || !me) return;
    const next = takeAfterSignIn();
    if (next === null) return;
    const target = destination(next, role);
    if (target !== location.pathname) navigate(target, { replace: true });
  }, [checking, me, role, location.pathname, location.search, navigate]);

  return null;
}
