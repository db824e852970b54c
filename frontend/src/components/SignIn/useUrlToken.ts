// A one-time token from a mailed link: read once, then removed from the address bar so it stays out of the
// history, bookmarks and anything a screenshot or a shoulder could pick up. Links carry it in the fragment
// (#token=...), which browsers never send to a server, so it reaches no access log and no Referer; links mailed
// before that change carry ?token=..., still read here.
import { useEffect, useState } from "react";

function fromFragment(name: string): string | null {
  return new URLSearchParams(window.location.hash.replace(/^#/, "")).get(name);
}

export function useUrlToken(name = "token"): string {
  const [token] = useState(
    () => fromFragment(name) ?? new URLSearchParams(window.location.search).get(name) ?? "",
  );
  useEffect(() => {
    const url = new URL(window.location.href);
    const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
    if (!url.searchParams.has(name) && !fragment.has(name)) return;
    url.searchParams.delete(name);
    fragment.delete(name);
    const search = url.searchParams.toString();
    const hash = fragment.toString();
    window.history.replaceState(
      window.history.state,
      "",
      url.pathname + (search ? `?${search}` : "") + (hash ? `#${hash}` : ""),
    );
  }, [name]);
  return token;
}
