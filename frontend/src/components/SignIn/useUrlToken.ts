// A one-time token from a mailed link (?token=...): read once, then removed from the address bar so it stays
// out of the history, bookmarks and anything a screenshot or a shoulder could pick up.
import { useEffect, useState } from "react";

export function useUrlToken(name = "token"): string {
  const [token] = useState(() => new URLSearchParams(window.location.search).get(name) ?? "");
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has(name)) return;
    url.searchParams.delete(name);
    window.history.replaceState(window.history.state, "", url.pathname + (url.search === "?" ? "" : url.search) + url.hash);
  }, [name]);
  return token;
}
