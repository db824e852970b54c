import { type ReactNode, useEffect } from "react";

/** A page's heading and document title; every route starts with one. */
export function Page({ title, intro, actions, children }: { title: string; intro?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Hospital appointments`;
  }, [title]);
  return (
    <section aria-labelledby="page-title" className="mx-auto w-full max-w-5xl px-4 py-6 sm:py-10">
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="page-title" className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
            {title}
          </h1>
          {intro && <div className="mt-2 max-w-2xl text-slate-700">{intro}</div>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
