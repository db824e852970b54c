// Who is signed in. The session itself is an HttpOnly cookie; the app only knows "me" and the CSRF token.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";

import { auth, ok, setCsrfToken } from "../api/client";
import { ApiError } from "../api/problem";
import type { Me, Role } from "../api/types";

interface SessionValue {
  me: Me | null;
  /** True until the first GET /auth/me has answered. */
  checking: boolean;
  role: Role | null;
  /** Remember who signed in (from login, register or a fresh /auth/me). */
  signedIn: (me: Me) => void;
  refresh: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);

  const signedIn = useCallback((who: Me) => {
    setCsrfToken(who.csrf_token ?? "");
    setMe(who);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const who = await ok(auth.GET("/api/v1/auth/me"));
      signedIn(who);
      return who;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setCsrfToken("");
      setMe(null);
      return null;
    } finally {
      setChecking(false);
    }
  }, [signedIn]);

  const signOut = useCallback(async () => {
    try {
      await auth.POST("/api/v1/auth/logout");
    } finally {
      setCsrfToken("");
      setMe(null);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setChecking(false));
  }, [refresh]);

  const value = useMemo<SessionValue>(
    () => ({ me, checking, role: (me?.role as Role | undefined) ?? null, signedIn, refresh, signOut }),
    [me, checking, signedIn, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
